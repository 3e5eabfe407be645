package dev.conveyor.iam.policy;

import java.util.List;

/**
 * One test of a Condition block: {@code "StringEquals": {"aws:ResourceTag/team": ["a", "b"]}} is the operator
 * StringEquals on key aws:ResourceTag/team with two values (any of which may match). {@code ifExists} is the
 * operator's IfExists suffix; {@code setQualifier} its ForAnyValue:/ForAllValues: prefix, or null.
 */
public record Condition(ConditionOperator operator, boolean ifExists, String setQualifier, String key, List<String> values) {
    public Condition {
        values = List.copyOf(values);
    }
}
