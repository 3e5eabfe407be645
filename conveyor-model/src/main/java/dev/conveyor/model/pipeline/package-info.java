/**
 * Pipeline declarations as immutable records, one per shape of the CodePipeline service model and named after
 * it. Nothing here does I/O or knows about executions; validation lives in {@code dev.conveyor.model.validation}.
 */
package dev.conveyor.model.pipeline;
