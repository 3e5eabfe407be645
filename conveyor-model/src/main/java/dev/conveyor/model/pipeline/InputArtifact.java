package dev.conveyor.model.pipeline;

/** An artifact an action consumes, by name. */
public record InputArtifact(String name) {
}
