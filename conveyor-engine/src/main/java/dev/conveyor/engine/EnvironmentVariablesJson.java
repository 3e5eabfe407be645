package dev.conveyor.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

/**
 * Resolves references in an action's {@code EnvironmentVariables} configuration (CodeBuild's JSON array of
 * {@code {name, value, type}}) inside the parsed JSON, value by value, instead of in its text: a value holding a
 * quote then stays one value and cannot close the string and add variables of its own (a {@code BASH_ENV}, say,
 * which bash expands when the build's shell starts).
 */
final class EnvironmentVariablesJson {
    private EnvironmentVariablesJson() {
    }

    /**
     * The configuration value with its references resolved; those that cannot be are added to {@code unresolved},
     * values that cannot reach a process (NUL) to {@code problems}. JSON that does not parse is left as written,
     * so the build reports it as invalid rather than a value repairing it; text that is not meant as JSON is
     * resolved as text.
     */
    static String resolve(String configured, VariableResolver resolver, Set<String> unresolved, Set<String> problems) {
        if (!configured.contains("#{")) {
            return configured;
        }
        String trimmed = configured.strip();
        if (!trimmed.startsWith("[") && !trimmed.startsWith("{")) {
            VariableResolver.Resolution text = resolver.resolve(configured);
            unresolved.addAll(text.unresolved());
            return text.value();
        }
        JsonNode tree;
        try {
            tree = ActionJson.MAPPER.readTree(configured);
        } catch (JsonProcessingException e) {
            return configured;
        }
        resolveStrings(tree, resolver, unresolved, problems);
        return ActionJson.write(tree);
    }

    private static void resolveStrings(JsonNode node, VariableResolver resolver, Set<String> unresolved, Set<String> problems) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : new ArrayList<>(object.properties())) {
                if (field.getValue().isTextual()) {
                    VariableResolver.Resolution r = resolver.resolve(field.getValue().asText());
                    unresolved.addAll(r.unresolved());
                    if (r.value().indexOf('\0') >= 0) {
                        problems.add("EnvironmentVariables: the " + field.getKey() + " of " + object.path("name").asText("?")
                                + " (" + field.getValue().asText() + ") contains a NUL character, which cannot be passed to a build");
                    }
                    object.set(field.getKey(), TextNode.valueOf(r.value()));
                } else {
                    resolveStrings(field.getValue(), resolver, unresolved, problems);
                }
            }
        } else {
            for (JsonNode child : node) {
                resolveStrings(child, resolver, unresolved, problems);
            }
        }
    }
}
