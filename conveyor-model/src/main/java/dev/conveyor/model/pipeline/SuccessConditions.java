package dev.conveyor.model.pipeline;

import java.util.List;

/** Conditions that must hold for a stage to succeed. */
public record SuccessConditions(List<Condition> conditions) {
}
