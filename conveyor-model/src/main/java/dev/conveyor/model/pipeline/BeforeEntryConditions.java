package dev.conveyor.model.pipeline;

import java.util.List;

/** Conditions checked before an execution enters a stage. */
public record BeforeEntryConditions(List<Condition> conditions) {
}
