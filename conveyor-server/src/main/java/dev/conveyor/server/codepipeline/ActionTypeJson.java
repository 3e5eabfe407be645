package dev.conveyor.server.codepipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.actiontype.ArtifactCount;
import dev.conveyor.model.actiontype.ConfigurationProperty;
import dev.conveyor.model.actiontype.ConfigurationPropertyType;
import dev.conveyor.model.actiontype.RuleTypeDefinition;
import dev.conveyor.model.actiontype.TypeSettings;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.ArrayList;
import java.util.List;

/**
 * The two API shapes of an action type and the model's definition: {@code ActionType} (CreateCustomActionType,
 * ListActionTypes) and {@code ActionTypeDeclaration} (GetActionType, UpdateActionType), whose properties say
 * {@code optional}/{@code noEcho} where the older shape says {@code required}/{@code secret}.
 */
final class ActionTypeJson {
    private static final ObjectMapper MAPPER = ConveyorJson.mapper();

    private ActionTypeJson() {
    }

    static ActionTypeId id(JsonNode node) {
        return new ActionTypeId(node.path("category").asText(), node.path("owner").asText("Custom"),
                node.path("provider").asText(), node.path("version").asText());
    }

    static ObjectNode id(ActionTypeId id) {
        return MAPPER.createObjectNode().put("category", id.category()).put("owner", id.owner())
                .put("provider", id.provider()).put("version", id.version());
    }

    /** The definition of CreateCustomActionType's input. */
    static ActionTypeDefinition fromCreate(ActionTypeId id, JsonNode input) {
        List<ConfigurationProperty> properties = new ArrayList<>();
        for (JsonNode p : input.path("configurationProperties")) {
            properties.add(new ConfigurationProperty(p.path("name").asText(), p.path("required").asBoolean(), p.path("key").asBoolean(),
                    p.path("secret").asBoolean(), p.path("queryable").asBoolean(false), p.path("description").asText(null),
                    p.has("type") ? ConfigurationPropertyType.fromWireName(p.get("type").asText()) : null));
        }
        JsonNode settings = input.path("settings");
        return new ActionTypeDefinition(id, counts(input.path("inputArtifactDetails")), counts(input.path("outputArtifactDetails")),
                properties, new TypeSettings(settings.path("entityUrlTemplate").asText(null), settings.path("executionUrlTemplate").asText(null),
                settings.path("revisionUrlTemplate").asText(null), settings.path("thirdPartyConfigurationUrl").asText(null)), false);
    }

    /** The definition of UpdateActionType's declaration, keeping property types the declaration cannot express. */
    static ActionTypeDefinition fromDeclaration(JsonNode declaration, ActionTypeDefinition previous) {
        List<ConfigurationProperty> properties = new ArrayList<>();
        for (JsonNode p : declaration.path("properties")) {
            String name = p.path("name").asText();
            ConfigurationPropertyType type = previous.property(name).map(ConfigurationProperty::type).orElse(null);
            properties.add(new ConfigurationProperty(name, !p.path("optional").asBoolean(), p.path("key").asBoolean(),
                    p.path("noEcho").asBoolean(), p.path("queryable").asBoolean(false), p.path("description").asText(null), type));
        }
        JsonNode urls = declaration.path("urls");
        return new ActionTypeDefinition(previous.id(), counts(declaration.path("inputArtifactDetails")),
                counts(declaration.path("outputArtifactDetails")), properties,
                new TypeSettings(urls.path("entityUrlTemplate").asText(null), urls.path("executionUrlTemplate").asText(null),
                        urls.path("revisionUrlTemplate").asText(null), urls.path("configurationUrl").asText(null)), false);
    }

    private static ArtifactCount counts(JsonNode node) {
        return new ArtifactCount(node.path("minimumCount").asInt(), node.path("maximumCount").asInt());
    }

    /** The {@code ActionType} shape. */
    static ObjectNode actionType(ActionTypeDefinition d) {
        ObjectNode node = MAPPER.createObjectNode();
        node.set("id", id(d.id()));
        ObjectNode settings = node.putObject("settings");
        putIfPresent(settings, "thirdPartyConfigurationUrl", d.settings().thirdPartyConfigurationUrl());
        putIfPresent(settings, "entityUrlTemplate", d.settings().entityUrlTemplate());
        putIfPresent(settings, "executionUrlTemplate", d.settings().executionUrlTemplate());
        putIfPresent(settings, "revisionUrlTemplate", d.settings().revisionUrlTemplate());
        node.set("actionConfigurationProperties", properties(d.configurationProperties()));
        node.set("inputArtifactDetails", counts(d.inputArtifacts()));
        node.set("outputArtifactDetails", counts(d.outputArtifacts()));
        return node;
    }

    /** The {@code RuleType} shape of a stage-condition rule type. */
    static ObjectNode ruleType(RuleTypeDefinition d) {
        ObjectNode node = MAPPER.createObjectNode();
        node.set("id", MAPPER.createObjectNode().put("category", d.id().category()).put("owner", d.id().owner())
                .put("provider", d.id().provider()).put("version", d.id().version()));
        node.putObject("settings");
        node.set("ruleConfigurationProperties", properties(d.configurationProperties()));
        node.set("inputArtifactDetails", counts(d.inputArtifacts()));
        return node;
    }

    /** Configuration properties in the shape ActionType and RuleType share. */
    private static ArrayNode properties(List<ConfigurationProperty> list) {
        ArrayNode properties = MAPPER.createArrayNode();
        for (ConfigurationProperty p : list) {
            ObjectNode property = properties.addObject().put("name", p.name()).put("required", p.required()).put("key", p.key())
                    .put("secret", p.secret()).put("queryable", p.queryable());
            putIfPresent(property, "description", p.description());
            if (p.type() != null) {
                property.put("type", p.type().wireName());
            }
        }
        return properties;
    }

    /** The {@code ActionTypeDeclaration} shape; {@code extras} holds what UpdateActionType stored (description, executor, permissions). */
    static ObjectNode declaration(ActionTypeDefinition d, JsonNode extras) {
        ObjectNode node = MAPPER.createObjectNode();
        if (extras != null && extras.has("description")) {
            node.set("description", extras.get("description"));
        }
        if (extras != null && extras.has("executor")) {
            node.set("executor", extras.get("executor"));
        } else {
            ObjectNode executor = node.putObject("executor");
            executor.putObject("configuration").putObject("jobWorkerExecutorConfiguration");
            executor.put("type", "JobWorker");
        }
        node.set("id", id(d.id()));
        node.set("inputArtifactDetails", counts(d.inputArtifacts()));
        node.set("outputArtifactDetails", counts(d.outputArtifacts()));
        if (extras != null && extras.has("permissions")) {
            node.set("permissions", extras.get("permissions"));
        }
        ArrayNode properties = node.putArray("properties");
        for (ConfigurationProperty p : d.configurationProperties()) {
            ObjectNode property = properties.addObject().put("name", p.name()).put("optional", !p.required()).put("key", p.key())
                    .put("noEcho", p.secret()).put("queryable", p.queryable());
            putIfPresent(property, "description", p.description());
        }
        ObjectNode urls = node.putObject("urls");
        putIfPresent(urls, "configurationUrl", d.settings().thirdPartyConfigurationUrl());
        putIfPresent(urls, "entityUrlTemplate", d.settings().entityUrlTemplate());
        putIfPresent(urls, "executionUrlTemplate", d.settings().executionUrlTemplate());
        putIfPresent(urls, "revisionUrlTemplate", d.settings().revisionUrlTemplate());
        return node;
    }

    private static ObjectNode counts(ArtifactCount count) {
        return MAPPER.createObjectNode().put("minimumCount", count.minimumCount()).put("maximumCount", count.maximumCount());
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
