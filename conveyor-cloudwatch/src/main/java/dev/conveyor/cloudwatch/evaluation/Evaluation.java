package dev.conveyor.cloudwatch.evaluation;

import java.util.List;

/**
 * The outcome of one evaluation: the state the alarm should be in, the reason (as CloudWatch words it) and the reason
 * data (JSON). {@code keep} is true when TreatMissingData {@code ignore} found no data: the current state stays.
 */
public record Evaluation(String stateValue, String reason, String reasonData, boolean keep, List<Period> periods) {
    /** One evaluated period: its start, its statistic's value (null when missing) and whether it breached. */
    public record Period(java.time.Instant start, Double value, double sampleCount, boolean breaching) {
    }
}
