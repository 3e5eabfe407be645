package dev.conveyor.model.pipeline;

/** A V2 trigger: which git events on which source action start the pipeline. */
public record PipelineTriggerDeclaration(String providerType, GitConfiguration gitConfiguration) {
}
