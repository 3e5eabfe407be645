package dev.conveyor.server.codepipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.actiontype.ActionTypeRegistry;
import dev.conveyor.model.actiontype.ConfigurationProperty;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Hides the values of secret configuration properties (a GitHub OAuthToken, a custom type's secret) when a
 * pipeline is read back, as CodePipeline does: only the job worker ever sees them. Declarations without any
 * secret key are returned untouched without being parsed, which keeps GetPipeline's common path cheap.
 *
 * <p>Declarations that may hold one were parsed and written again on every read (nearly half of GetPipeline's own
 * CPU in a profile, issue 20). The masked text is kept per declaration string: the pipeline cache hands out the
 * same string instance until the pipeline changes, so an identity-keyed (weak) cache needs no invalidation of its
 * own and lets go of a declaration when the pipeline cache does. Custom action types can change which properties
 * are secret only by being deleted and re-created, so a minute's expiry bounds how long a stale answer may live.
 */
final class SecretMasking {
    static final String MASK = "****";

    private final ActionTypeRegistry actionTypes;
    /** The quoted names of the built-in types' secret properties, e.g. {@code "OAuthToken"}: fixed, so computed once. */
    private final java.util.List<String> builtInSecretKeys;

    private final Cache<String, String> maskedByDeclaration = Caffeine.newBuilder()
            .weakKeys().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();

    SecretMasking(ActionTypeRegistry actionTypes) {
        this.actionTypes = actionTypes;
        this.builtInSecretKeys = dev.conveyor.model.actiontype.BuiltInActionTypes.instance().all().stream()
                .flatMap(d -> d.configurationProperties().stream()).filter(ConfigurationProperty::secret)
                .map(p -> "\"" + p.name() + "\"").distinct().toList();
    }

    String mask(String declarationJson) {
        if (!mayHoldSecrets(declarationJson)) {
            return declarationJson;
        }
        return maskedByDeclaration.get(declarationJson, this::parseAndMask);
    }

    private String parseAndMask(String declarationJson) {
        try {
            JsonNode pipeline = ConveyorJson.mapper().readTree(declarationJson);
            boolean masked = false;
            for (JsonNode stage : pipeline.path("stages")) {
                for (JsonNode action : stage.path("actions")) {
                    masked |= maskAction(action);
                }
            }
            return masked ? ConveyorJson.write(pipeline) : declarationJson;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean maskAction(JsonNode action) {
        JsonNode type = action.path("actionTypeId");
        JsonNode configuration = action.path("configuration");
        if (!configuration.isObject()) {
            return false;
        }
        Optional<ActionTypeDefinition> definition = actionTypes.find(new ActionTypeId(type.path("category").asText(),
                type.path("owner").asText(), type.path("provider").asText(), type.path("version").asText()));
        boolean masked = false;
        for (ConfigurationProperty property : definition.map(ActionTypeDefinition::configurationProperties).orElse(java.util.List.of())) {
            if (property.secret() && configuration.has(property.name())) {
                ((ObjectNode) configuration).put(property.name(), MASK);
                masked = true;
            }
        }
        return masked;
    }

    /**
     * A cheap pre-check, run on every read: a secret can only be present if the pipeline uses a custom type or names
     * a built-in secret property. It touches no database (custom types are only looked up when present).
     */
    private boolean mayHoldSecrets(String json) {
        if (json.contains("\"Custom\"")) {
            return true;
        }
        for (String key : builtInSecretKeys) {
            if (json.contains(key)) {
                return true;
            }
        }
        return false;
    }
}
