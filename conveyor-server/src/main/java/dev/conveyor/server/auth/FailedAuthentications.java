package dev.conveyor.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A rate limit on failed authentications, per source address and access key id: after {@link #MAX_FAILURES}
 * failures within {@link #WINDOW}, further requests from that address with that key id are refused (throttled, with
 * a Retry-After) until the window that holds them ends, whether or not they would verify; and after as many
 * failures with keys nobody issued, further unknown keys from that address are. Guessing a secret, spraying key ids
 * or replaying signatures at speed is so made slow, while neither an attacker elsewhere nor one on the same address
 * can lock a legitimate client out of its own key (the pair, not the key alone, is what is blocked). Kept in memory,
 * per server (replicas each count their own).
 */
public final class FailedAuthentications {
    /** Failures allowed per key or address within a window. */
    public static final int MAX_FAILURES = 30;
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** Bounds the memory an attacker with many addresses or key ids can make us keep. */
    private static final int MAX_TRACKED = 100_000;

    private record Window(Instant start, int failures) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxFailures;

    public FailedAuthentications(Clock clock) {
        this(clock, MAX_FAILURES);
    }

    public FailedAuthentications(Clock clock, int maxFailures) {
        this.clock = clock;
        this.maxFailures = maxFailures;
    }

    /** Seconds until {@code address} may try {@code keyId} again, or 0 when it may now. */
    public long retryAfterSeconds(String keyId, String address) {
        return blockedFor(address + "|" + keyId);
    }

    /** Seconds until {@code address} may try keys nobody issued again, or 0 when it may now. */
    public long unknownKeysRetryAfterSeconds(String address) {
        return blockedFor(address + "|?unknown");
    }

    private long blockedFor(String subject) {
        Window w = windows.get(subject);
        if (w == null || w.failures() < maxFailures) {
            return 0;
        }
        Instant ends = w.start().plus(WINDOW);
        Instant now = clock.instant();
        if (!now.isBefore(ends)) {
            return 0;
        }
        return Math.max(1, Duration.between(now, ends).toSeconds() + 1);
    }

    /** Counts one failure of {@code keyId} (null when none was named) from {@code address}; {@code unknownKey}: nobody issued it. */
    public void failed(String keyId, String address, boolean unknownKey) {
        if (windows.size() > MAX_TRACKED) {
            Instant now = clock.instant();
            windows.values().removeIf(w -> !now.isBefore(w.start().plus(WINDOW)));
        }
        count(address + "|" + keyId);
        if (unknownKey) {
            count(address + "|?unknown");
        }
    }

    private void count(String subject) {
        Instant now = clock.instant();
        windows.compute(subject, (k, w) -> w == null || !now.isBefore(w.start().plus(WINDOW)) ? new Window(now, 1)
                : new Window(w.start(), w.failures() + 1));
    }
}
