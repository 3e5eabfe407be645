package dev.conveyor.store;

import java.time.Instant;

/**
 * One version of a pipeline as stored: the declaration's JSON exactly as accepted (so it reads back field for
 * field), and the metadata GetPipeline and ListPipelines return.
 */
public record StoredPipeline(
        String name,
        String arn,
        int version,
        String pipelineType,
        String executionMode,
        String declarationJson,
        Instant created,
        Instant updated) {
}
