package dev.conveyor.model.actiontype;

import dev.conveyor.model.pipeline.RuleTypeId;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The rule types AWS CodePipeline offers for stage conditions (the CodePipeline rule reference): category Rule,
 * owner AWS, version 1. Rules cannot be registered by users, so there is no registry interface.
 *
 * <p>The rule reference does not document per-rule input artifact counts; every rule is given the widest range
 * the model's {@code ArtifactDetails} allows (0 to 5), and the validator does not enforce it.
 */
public final class BuiltInRuleTypes {
    public static final String CATEGORY = "Rule";
    public static final String OWNER = "AWS";
    public static final String VERSION = "1";

    private static final ArtifactCount UNDOCUMENTED = ArtifactCount.between(0, 5);

    private static final List<RuleTypeDefinition> ALL = List.of(
            rule("LambdaInvoke", false, ConfigurationProperty.required("FunctionName"),
                    ConfigurationProperty.optional("UserParameters")),
            rule("VariableCheck", false, ConfigurationProperty.required("Variable"),
                    ConfigurationProperty.required("Value"), ConfigurationProperty.required("Operator")),
            rule("CloudWatchAlarm", false, ConfigurationProperty.required("AlarmName"),
                    ConfigurationProperty.optional("AlarmStates"),
                    ConfigurationProperty.optional("WaitTime").ofType(ConfigurationPropertyType.NUMBER)),
            rule("DeploymentWindow", false, ConfigurationProperty.required("Cron"),
                    ConfigurationProperty.optional("TimeZone")),
            rule("Commands", true),
            rule("CodeBuild", false, ConfigurationProperty.required("ProjectName"),
                    ConfigurationProperty.optional("PrimarySource"), ConfigurationProperty.optional("BatchEnabled"),
                    ConfigurationProperty.optional("CombineArtifacts"), ConfigurationProperty.optional("EnvironmentVariables")));

    private BuiltInRuleTypes() {
    }

    public static List<RuleTypeDefinition> all() {
        return ALL;
    }

    /**
     * The rule type for an id. Owner and version are optional in the model's {@code RuleTypeId}; absent, they mean
     * the only values that exist, AWS and 1.
     */
    public static Optional<RuleTypeDefinition> find(RuleTypeId id) {
        if (id == null) {
            return Optional.empty();
        }
        RuleTypeId normalized = new RuleTypeId(id.category(),
                id.owner() == null ? OWNER : id.owner(), id.provider(),
                id.version() == null ? VERSION : id.version());
        return ALL.stream().filter(r -> r.id().equals(normalized)).findFirst();
    }

    private static RuleTypeDefinition rule(String provider, boolean commands, ConfigurationProperty... properties) {
        return new RuleTypeDefinition(new RuleTypeId(CATEGORY, OWNER, provider, VERSION), UNDOCUMENTED,
                Stream.of(properties).toList(), TypeSettings.NONE, commands);
    }
}
