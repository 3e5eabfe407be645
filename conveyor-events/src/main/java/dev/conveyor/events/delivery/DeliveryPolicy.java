package dev.conveyor.events.delivery;

import java.time.Duration;

/**
 * How deliveries are retried: attempt n waits {@code firstRetry × 2^(n-1)}, at most {@code maxBackoff}; after
 * {@code maxAttempts} failures the delivery is dead-lettered. The defaults (1 s doubling to 5 min, 24 attempts) keep
 * trying for about an hour and a half.
 */
public record DeliveryPolicy(Duration firstRetry, Duration maxBackoff, int maxAttempts, Duration timeout) {
    public static DeliveryPolicy defaults() {
        return new DeliveryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 24, Duration.ofSeconds(10));
    }

    /** The wait after the {@code attempts}-th failure. */
    public Duration backoff(int attempts) {
        long millis = firstRetry.toMillis() << Math.min(attempts - 1, 30);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
