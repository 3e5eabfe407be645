package dev.conveyor.store;

import java.time.Instant;

/** A pipeline's latest version as ListPipelines shows it. */
public record PipelineSummaryRow(String name, int version, String pipelineType, String executionMode,
                                 Instant created, Instant updated) {
}
