package dev.conveyor.cloudwatch.store;

import dev.conveyor.cloudwatch.evaluation.Sample;

/** One stored metric datum: the metric it belongs to (dimensions canonical), its unit and its sample. */
public record DatumRow(String namespace, String metricName, String dimensions, String unit, Sample sample) {
}
