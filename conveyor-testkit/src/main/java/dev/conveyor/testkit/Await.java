package dev.conveyor.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting, in tests, for something the server does in the background: polling with a deadline. */
public final class Await {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(25);

    private Await() {
    }

    /**
     * Polls until {@code condition} holds for the supplied value and returns that value; fails after {@code timeout}
     * with {@code what} was awaited and the last value seen.
     */
    public static <T> T await(Supplier<T> supplier, Predicate<T> condition, Duration timeout, String what) {
        Instant until = Instant.now().plus(timeout);
        T value = supplier.get();
        while (!condition.test(value)) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last value: " + value);
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = supplier.get();
        }
        return value;
    }
}
