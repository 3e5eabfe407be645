package dev.conveyor.model.pipeline;

import java.util.List;

/** A stage condition: rules and the result applied when they are met. */
public record Condition(String result, List<RuleDeclaration> rules) {
}
