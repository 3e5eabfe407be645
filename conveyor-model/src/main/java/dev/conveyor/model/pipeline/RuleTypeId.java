package dev.conveyor.model.pipeline;

/** Category, owner, provider and version of a rule type. */
public record RuleTypeId(String category, String owner, String provider, String version) {
}
