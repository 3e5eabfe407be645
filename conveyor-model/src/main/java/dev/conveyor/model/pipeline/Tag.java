package dev.conveyor.model.pipeline;

/** A resource tag. */
public record Tag(String key, String value) {
}
