package dev.conveyor.model.actiontype;

import dev.conveyor.model.pipeline.RuleTypeId;
import java.util.List;

/**
 * What a stage-condition rule type accepts, mirroring the model's {@code RuleType}. {@code requiresCommands} marks
 * the Commands rule, which declares its work in the rule's {@code commands} member rather than in configuration.
 */
public record RuleTypeDefinition(
        RuleTypeId id,
        ArtifactCount inputArtifacts,
        List<ConfigurationProperty> configurationProperties,
        TypeSettings settings,
        boolean requiresCommands) {

    public RuleTypeDefinition {
        configurationProperties = List.copyOf(configurationProperties);
        settings = settings == null ? TypeSettings.NONE : settings;
    }

    public List<ConfigurationProperty> requiredProperties() {
        return configurationProperties.stream().filter(ConfigurationProperty::required).toList();
    }
}
