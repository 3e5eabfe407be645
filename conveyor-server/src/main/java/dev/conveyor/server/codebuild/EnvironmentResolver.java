package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.server.secrets.SecretReferences;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the environment variables of a project and of the caller's overrides (a pipeline action's
 * EnvironmentVariables, StartBuild's environmentVariablesOverride), later ones winning by name: PLAINTEXT values as
 * they are, PARAMETER_STORE and SECRETS_MANAGER ones from the secret store. Resolved secret values are listed
 * so the build's log can mask them.
 */
final class EnvironmentResolver {
    private final SecretReferences secrets;

    EnvironmentResolver(SecretReferences secrets) {
        this.secrets = secrets;
    }

    /** Values by name, and which of them are secrets. */
    record Resolved(Map<String, String> values, List<String> secretValues) {
    }

    Resolved resolve(List<JsonNode> variableLists) throws SecretReferences.UnresolvedException {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode list : variableLists) {
            for (JsonNode variable : list) {
                byName.remove(variable.path("name").asText());
                byName.put(variable.path("name").asText(), variable);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> secretValues = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : byName.entrySet()) {
            String value = e.getValue().path("value").asText("");
            String type = e.getValue().path("type").asText("PLAINTEXT");
            try {
                switch (type) {
                    case "PARAMETER_STORE" -> {
                        value = secrets.parameter(value);
                        secretValues.add(value);
                    }
                    case "SECRETS_MANAGER" -> {
                        value = secrets.secret(value);
                        secretValues.add(value);
                    }
                    default -> { }
                }
            } catch (SecretReferences.UnresolvedException ex) {
                throw new SecretReferences.UnresolvedException("environment variable " + e.getKey() + " (" + type + "): " + ex.getMessage());
            }
            values.put(e.getKey(), value);
        }
        return new Resolved(values, secretValues);
    }

    /** A pipeline action's EnvironmentVariables: a JSON array of {name, value, type} as a string. */
    static JsonNode parseActionVariables(String json) {
        if (json == null || json.isBlank()) {
            return dev.conveyor.model.json.ConveyorJson.mapper().createArrayNode();
        }
        JsonNode parsed;
        try {
            parsed = ProjectDefinitions.read(json);
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("EnvironmentVariables is not valid JSON: " + e.getCause().getMessage());
        }
        if (!parsed.isArray()) {
            throw new IllegalArgumentException("EnvironmentVariables must be a JSON array of {\"name\", \"value\", \"type\"} objects");
        }
        for (JsonNode variable : parsed) {
            if (!variable.path("name").isTextual() || !variable.has("value")) {
                throw new IllegalArgumentException("each of EnvironmentVariables needs a name and a value: " + variable);
            }
        }
        return parsed;
    }
}
