package dev.conveyor.model.pipeline;

import java.util.List;

/** An artifact an action produces, by name; {@code files} limits a Commands action's output. */
public record OutputArtifact(String name, List<String> files) {
}
