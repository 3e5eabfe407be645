package dev.conveyor.server.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.json.ConveyorJson;
import java.util.Optional;

/**
 * Resolves what build variables point at: a PARAMETER_STORE variable names a parameter ({@code /app/db-password});
 * a SECRETS_MANAGER variable names {@code secret-id[:json-key[:version-stage[:version-id]]]}, the id a name or an
 * ARN, the JSON key picking one field of a secret whose value is a JSON object. Failures say what is missing and how
 * to set it.
 */
public final class SecretReferences {
    private final SecretStore store;
    private final String region;
    private final String accountId;

    public SecretReferences(SecretStore store, String region, String accountId) {
        this.store = store;
        this.region = region;
        this.accountId = accountId;
    }

    /** A reference that does not resolve. */
    public static final class UnresolvedException extends Exception {
        public UnresolvedException(String message) {
            super(message, null, false, false);
        }
    }

    public String parameter(String name) throws UnresolvedException {
        String key = name.startsWith("arn:") ? nameOfParameterArn(name) : name;
        return store.value(key).orElseThrow(() -> new UnresolvedException("parameter " + name + " is not in the secret store "
                + "(set it with: conveyor secrets put " + key + " VALUE, or aws ssm put-parameter)"));
    }

    public String secret(String reference) throws UnresolvedException {
        String id;
        String rest;
        if (reference.startsWith("arn:")) {
            String[] parts = reference.split(":", -1);
            if (parts.length < 7) {
                throw new UnresolvedException("'" + reference + "' is not a Secrets Manager ARN");
            }
            id = String.join(":", java.util.Arrays.copyOfRange(parts, 0, 7));
            rest = parts.length > 7 ? String.join(":", java.util.Arrays.copyOfRange(parts, 7, parts.length)) : "";
        } else {
            int colon = reference.indexOf(':');
            id = colon < 0 ? reference : reference.substring(0, colon);
            rest = colon < 0 ? "" : reference.substring(colon + 1);
        }
        String[] options = rest.split(":", -1);
        String jsonKey = options.length > 0 ? options[0] : "";
        String stage = options.length > 1 ? options[1] : "";
        if (!stage.isEmpty() && !stage.equals("AWSCURRENT")) {
            throw new UnresolvedException("secret " + id + ": only the current version (AWSCURRENT) is kept, not " + stage);
        }
        String name = id.startsWith("arn:") ? nameOfSecretArn(id) : id;
        String value = store.value(name).orElseThrow(() -> new UnresolvedException("secret " + id + " is not in the secret store "
                + "(set it with: conveyor secrets put " + name + " VALUE, or aws secretsmanager create-secret)"));
        if (jsonKey.isEmpty()) {
            return value;
        }
        JsonNode json;
        try {
            json = ConveyorJson.mapper().readTree(value);
        } catch (java.io.IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new UnresolvedException("secret " + id + " is not a JSON object, so it has no key " + jsonKey);
        }
        JsonNode field = json.get(jsonKey);
        if (field == null) {
            throw new UnresolvedException("secret " + id + " has no JSON key " + jsonKey);
        }
        return field.isTextual() ? field.asText() : field.toString();
    }

    /** {@code arn:aws:ssm:region:account:parameter/name} → {@code /name} (or {@code name} for names without a slash). */
    private String nameOfParameterArn(String arn) throws UnresolvedException {
        int at = arn.indexOf(":parameter");
        if (at < 0) {
            throw new UnresolvedException("'" + arn + "' is not a parameter ARN");
        }
        String path = arn.substring(at + ":parameter".length());
        return store.describe(path).isPresent() || path.length() < 2 ? path : path.substring(1);
    }

    /** {@code arn:…:secret:name-AbCdEf} → {@code name}; the six-character suffix is checked when the secret has one. */
    private String nameOfSecretArn(String arn) throws UnresolvedException {
        int at = arn.indexOf(":secret:");
        if (at < 0) {
            throw new UnresolvedException("'" + arn + "' is not a Secrets Manager ARN");
        }
        String tail = arn.substring(at + ":secret:".length());
        if (store.describe(tail).isPresent()) {
            return tail;
        }
        int dash = tail.lastIndexOf('-');
        return dash > 0 ? tail.substring(0, dash) : tail;
    }

    public String parameterArn(String name) {
        return "arn:aws:ssm:" + region + ":" + accountId + ":parameter" + (name.startsWith("/") ? name : "/" + name);
    }

    public String secretArn(String name, String suffix) {
        return "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + name + "-" + suffix;
    }

    /** The secret an id names (a name, or an ARN with or without its suffix), if it exists. */
    public Optional<String> secretName(String id) {
        if (!id.startsWith("arn:")) {
            return store.describe(id).map(r -> r.name());
        }
        try {
            String name = nameOfSecretArn(id);
            return store.describe(name).map(r -> r.name());
        } catch (UnresolvedException e) {
            return Optional.empty();
        }
    }
}
