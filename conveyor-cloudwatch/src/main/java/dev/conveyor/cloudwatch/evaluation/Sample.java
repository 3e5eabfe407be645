package dev.conveyor.cloudwatch.evaluation;

import java.time.Instant;

/**
 * What PutMetricData stored for one datum: a single value (count 1, sum = min = max = value), a statistic set, or one
 * value of {@code Values} with its count. {@code raw} marks samples whose minimum is their every value (percentiles
 * read only those).
 */
public record Sample(Instant at, double count, double sum, double minimum, double maximum, boolean raw) {
    public static Sample value(Instant at, double value) {
        return new Sample(at, 1, value, value, value, true);
    }
}
