package dev.conveyor.model.actiontype;

/**
 * URLs a console shows next to an action or rule: the model's {@code ActionTypeSettings} and
 * {@code RuleTypeSettings}, which have the same members. Every member is nullable.
 */
public record TypeSettings(
        String entityUrlTemplate,
        String executionUrlTemplate,
        String revisionUrlTemplate,
        String thirdPartyConfigurationUrl) {

    /** No URLs: what the built-in types report, since their links point at AWS consoles Conveyor does not have. */
    public static final TypeSettings NONE = new TypeSettings(null, null, null, null);
}
