package dev.conveyor.model.pipeline;

/** A pipeline-level variable (V2), read as {@code #{variables.NAME}}. */
public record PipelineVariableDeclaration(String name, String defaultValue, String description) {
}
