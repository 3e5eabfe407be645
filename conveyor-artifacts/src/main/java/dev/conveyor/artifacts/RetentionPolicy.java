package dev.conveyor.artifacts;

import java.time.Duration;

/**
 * How long artifacts are kept: an execution's artifacts stay while the execution is among the last
 * {@code keepExecutions} of its pipeline (0: no such rule) or younger than {@code maxAge} (null: no such rule).
 * With neither rule nothing is removed.
 */
public record RetentionPolicy(int keepExecutions, Duration maxAge) {
    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, null);

    public RetentionPolicy {
        if (keepExecutions < 0) {
            throw new IllegalArgumentException("keepExecutions must be 0 (no rule) or more");
        }
        if (maxAge != null && maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative");
        }
    }

    public boolean keepsAll() {
        return keepExecutions == 0 && maxAge == null;
    }
}
