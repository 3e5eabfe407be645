package dev.conveyor.server.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.InvalidNextTokenException;
import dev.conveyor.model.errors.ResourceNotFoundException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.protocol.Timestamps;
import dev.conveyor.store.Page;
import dev.conveyor.store.secrets.SecretRow;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * The secret store as two AWS APIs over one namespace, so the AWS CLI (and {@code conveyor secrets}) can set what
 * builds read: SSM's PutParameter, GetParameter, GetParameters, DeleteParameter and DescribeParameters, and Secrets
 * Manager's CreateSecret, PutSecretValue, GetSecretValue, DescribeSecret, ListSecrets and DeleteSecret. A parameter
 * and a secret of the same name are the same value. Only the current version of a value is kept.
 */
public final class SecretOperations {
    private final SecretStore store;
    private final SecretReferences references;

    public SecretOperations(SecretStore store, SecretReferences references) {
        this.store = store;
        this.references = references;
    }

    public Map<String, JsonOperation> ssm() {
        return Map.of(
                "PutParameter", this::putParameter,
                "GetParameter", this::getParameter,
                "GetParameters", this::getParameters,
                "DeleteParameter", this::deleteParameter,
                "DescribeParameters", this::describeParameters);
    }

    public Map<String, JsonOperation> secretsManager() {
        return Map.of(
                "CreateSecret", this::createSecret,
                "PutSecretValue", this::putSecretValue,
                "GetSecretValue", this::getSecretValue,
                "DescribeSecret", this::describeSecret,
                "ListSecrets", this::listSecrets,
                "DeleteSecret", this::deleteSecret);
    }

    // ---- SSM parameters

    JsonNode putParameter(JsonNode input, RequestContext context) {
        String name = input.get("Name").asText();
        String value = input.get("Value").asText();
        String type = input.path("Type").asText(null);
        String description = input.path("Description").asText(null);
        long version;
        if (store.create(name, value, description, type == null ? "String" : type)) {
            version = 1;
        } else if (input.path("Overwrite").asBoolean(false)) {
            version = store.replace(name, value, description, type).orElseThrow(() -> notFoundParameter(name));
        } else {
            throw new ParameterAlreadyExists("The parameter already exists. To overwrite this value, set the overwrite option "
                    + "in the request to true.");
        }
        return object().put("Version", version).put("Tier", "Standard");
    }

    JsonNode getParameter(JsonNode input, RequestContext context) {
        String name = input.get("Name").asText();
        SecretRow row = store.describe(name).orElseThrow(() -> notFoundParameter(name));
        ObjectNode out = object();
        out.set("Parameter", parameter(row, input.path("WithDecryption").asBoolean(false)));
        return out;
    }

    JsonNode getParameters(JsonNode input, RequestContext context) {
        ObjectNode out = object();
        ArrayNode found = out.putArray("Parameters");
        ArrayNode invalid = out.putArray("InvalidParameters");
        for (JsonNode name : input.get("Names")) {
            store.describe(name.asText()).ifPresentOrElse(row -> found.add(parameter(row, input.path("WithDecryption").asBoolean(false))),
                    () -> invalid.add(name.asText()));
        }
        return out;
    }

    JsonNode deleteParameter(JsonNode input, RequestContext context) {
        String name = input.get("Name").asText();
        if (!store.delete(name)) {
            throw notFoundParameter(name);
        }
        return object();
    }

    JsonNode describeParameters(JsonNode input, RequestContext context) {
        String after = decode(input.path("NextToken").asText(null), true);
        Page<SecretRow> page = store.list(input.path("MaxResults").asInt(50), after);
        ObjectNode out = object();
        ArrayNode list = out.putArray("Parameters");
        for (SecretRow row : page.items()) {
            ObjectNode p = list.addObject().put("Name", row.name()).put("ARN", references.parameterArn(row.name()))
                    .put("Type", row.parameterType()).put("Version", row.version()).put("Tier", "Standard").put("DataType", "text");
            p.set("LastModifiedDate", Timestamps.epochSeconds(row.updatedAt()));
            if (row.description() != null) {
                p.put("Description", row.description());
            }
        }
        if (page.nextKey() != null) {
            out.put("NextToken", encode(page.nextKey()));
        }
        return out;
    }

    /** SSM hides a SecureString's value unless decryption is asked for, as SSM does. */
    private ObjectNode parameter(SecretRow row, boolean withDecryption) {
        boolean hidden = "SecureString".equals(row.parameterType()) && !withDecryption;
        ObjectNode p = object().put("Name", row.name()).put("Type", row.parameterType())
                .put("Value", hidden ? "****" : store.open(row)).put("Version", row.version())
                .put("ARN", references.parameterArn(row.name())).put("DataType", "text");
        p.set("LastModifiedDate", Timestamps.epochSeconds(row.updatedAt()));
        return p;
    }

    private static ParameterNotFound notFoundParameter(String name) {
        return new ParameterNotFound("Parameter " + name + " not found.");
    }

    // ---- Secrets Manager secrets

    JsonNode createSecret(JsonNode input, RequestContext context) {
        String name = input.get("Name").asText();
        if (!input.has("SecretString")) {
            throw new InvalidRequestException("Only SecretString values are supported (SecretBinary is not)");
        }
        if (!store.create(name, input.get("SecretString").asText(), input.path("Description").asText(null), "SecureString")) {
            throw new ResourceExistsException("The operation failed because the secret " + name + " already exists.");
        }
        SecretRow row = store.describe(name).orElseThrow();
        return object().put("ARN", references.secretArn(name, row.arnSuffix())).put("Name", name).put("VersionId", versionId(row));
    }

    JsonNode putSecretValue(JsonNode input, RequestContext context) {
        String name = secretName(input.get("SecretId").asText());
        if (!input.has("SecretString")) {
            throw new InvalidRequestException("Only SecretString values are supported (SecretBinary is not)");
        }
        store.replace(name, input.get("SecretString").asText(), null, null).orElseThrow(() -> notFoundSecret(name));
        SecretRow row = store.describe(name).orElseThrow();
        ObjectNode out = object().put("ARN", references.secretArn(name, row.arnSuffix())).put("Name", name).put("VersionId", versionId(row));
        out.putArray("VersionStages").add("AWSCURRENT");
        return out;
    }

    JsonNode getSecretValue(JsonNode input, RequestContext context) {
        String name = secretName(input.get("SecretId").asText());
        SecretRow row = store.describe(name).orElseThrow(() -> notFoundSecret(name));
        String stage = input.path("VersionStage").asText("AWSCURRENT");
        if (!stage.equals("AWSCURRENT") || input.has("VersionId") && !input.get("VersionId").asText().equals(versionId(row))) {
            throw new ResourceNotFoundException("Secrets Manager can't find the specified secret value for staging label: " + stage);
        }
        ObjectNode out = object().put("ARN", references.secretArn(name, row.arnSuffix())).put("Name", name)
                .put("VersionId", versionId(row)).put("SecretString", store.open(row));
        out.putArray("VersionStages").add("AWSCURRENT");
        out.set("CreatedDate", Timestamps.epochSeconds(row.updatedAt()));
        return out;
    }

    JsonNode describeSecret(JsonNode input, RequestContext context) {
        String name = secretName(input.get("SecretId").asText());
        SecretRow row = store.describe(name).orElseThrow(() -> notFoundSecret(name));
        ObjectNode out = entry(row);
        out.putObject("VersionIdsToStages").putArray(versionId(row)).add("AWSCURRENT");
        return out;
    }

    JsonNode listSecrets(JsonNode input, RequestContext context) {
        String after = decode(input.path("NextToken").asText(null), false);
        Page<SecretRow> page = store.list(input.path("MaxResults").asInt(100), after);
        ObjectNode out = object();
        ArrayNode list = out.putArray("SecretList");
        page.items().forEach(row -> list.add(entry(row)));
        if (page.nextKey() != null) {
            out.put("NextToken", encode(page.nextKey()));
        }
        return out;
    }

    JsonNode deleteSecret(JsonNode input, RequestContext context) {
        String name = secretName(input.get("SecretId").asText());
        SecretRow row = store.describe(name).orElseThrow(() -> notFoundSecret(name));
        store.delete(name);
        ObjectNode out = object().put("ARN", references.secretArn(name, row.arnSuffix())).put("Name", name);
        out.set("DeletionDate", Timestamps.epochSeconds(java.time.Instant.now()));
        return out;
    }

    private ObjectNode entry(SecretRow row) {
        ObjectNode e = object().put("ARN", references.secretArn(row.name(), row.arnSuffix())).put("Name", row.name());
        if (row.description() != null) {
            e.put("Description", row.description());
        }
        e.set("CreatedDate", Timestamps.epochSeconds(row.createdAt()));
        e.set("LastChangedDate", Timestamps.epochSeconds(row.updatedAt()));
        return e;
    }

    private String secretName(String id) {
        return references.secretName(id).orElseThrow(() -> notFoundSecret(id));
    }

    /** A stable version id for a secret's current value (one per name and version number). */
    private static String versionId(SecretRow row) {
        return UUID.nameUUIDFromBytes((row.name() + "\n" + row.version()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static ResourceNotFoundException notFoundSecret(String id) {
        return new ResourceNotFoundException("Secrets Manager can't find the specified secret " + id + ".");
    }

    private static String encode(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token, boolean ssm) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            if (ssm) {
                throw new InvalidNextToken("The specified token is not valid.");
            }
            throw new InvalidNextTokenException("The specified token is not valid.", "NextToken");
        }
    }

    private static ObjectNode object() {
        return ConveyorJson.mapper().createObjectNode();
    }
}
