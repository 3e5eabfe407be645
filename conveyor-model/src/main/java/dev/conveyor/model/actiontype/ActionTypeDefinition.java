package dev.conveyor.model.actiontype;

import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an action type accepts, mirroring the model's {@code ActionType}: its id, input and output artifact counts,
 * configuration properties and settings. {@code requiresV2Pipeline} is Conveyor's own addition: AWS documents some
 * providers (Commands, EKS, EC2…) as available to V2 pipelines only.
 */
public record ActionTypeDefinition(
        ActionTypeId id,
        ArtifactCount inputArtifacts,
        ArtifactCount outputArtifacts,
        List<ConfigurationProperty> configurationProperties,
        TypeSettings settings,
        boolean requiresV2Pipeline) {

    public static final String OWNER_AWS = "AWS";
    public static final String OWNER_THIRD_PARTY = "ThirdParty";
    public static final String OWNER_CUSTOM = "Custom";

    public ActionTypeDefinition {
        configurationProperties = List.copyOf(configurationProperties);
        settings = settings == null ? TypeSettings.NONE : settings;
    }

    public Optional<ConfigurationProperty> property(String name) {
        return configurationProperties.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public List<ConfigurationProperty> requiredProperties() {
        return configurationProperties.stream().filter(ConfigurationProperty::required).toList();
    }

    /** Custom types (registered by CreateCustomActionType) declare every key they accept; AWS types may add keys. */
    public boolean isCustom() {
        return OWNER_CUSTOM.equals(id.owner());
    }

    /** The link to the action's resource in the external system (GetPipelineState's {@code entityUrl}), if any. */
    public Optional<String> entityUrl(Map<String, String> configuration) {
        return UrlTemplate.fill(settings.entityUrlTemplate(), configuration, this::isSecret, null);
    }

    /** The link to the action's revision page (GetPipelineState's {@code revisionUrl}), if any. */
    public Optional<String> revisionUrl(Map<String, String> configuration) {
        return UrlTemplate.fill(settings.revisionUrlTemplate(), configuration, this::isSecret, null);
    }

    /** The link to one run of the action ({@code externalExecutionUrl}), once a worker reported its external id. */
    public Optional<String> executionUrl(Map<String, String> configuration, String externalExecutionId) {
        return UrlTemplate.fill(settings.executionUrlTemplate(), configuration, this::isSecret, externalExecutionId);
    }

    private boolean isSecret(String key) {
        return property(key).map(ConfigurationProperty::secret).orElse(false);
    }
}
