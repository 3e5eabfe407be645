package dev.conveyor.cloudwatch.evaluation;

import java.time.Duration;

/**
 * The part of a metric alarm's configuration that evaluation reads.
 *
 * @param statistic          SampleCount, Average, Sum, Minimum or Maximum; null when {@code extendedStatistic} is set
 * @param extendedStatistic  a percentile {@code pNN} or {@code pNN.NN}, or null
 * @param datapointsToAlarm  M of "M out of N"
 * @param treatMissingData   missing, ignore, breaching or notBreaching
 */
public record AlarmDefinition(String statistic, String extendedStatistic, Duration period, int evaluationPeriods, int datapointsToAlarm,
                              double threshold, String comparisonOperator, String treatMissingData) {
    /** The percentile of {@code extendedStatistic} (0 to 100), or null. */
    public Double percentile() {
        return extendedStatistic == null ? null : Double.valueOf(extendedStatistic.substring(1));
    }

    public String statisticName() {
        return statistic != null ? statistic : extendedStatistic;
    }
}
