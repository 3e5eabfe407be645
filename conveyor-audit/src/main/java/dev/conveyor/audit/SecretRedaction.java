package dev.conveyor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;

/**
 * Removes what must never be kept in the audit trail from a call's parameters: secret values (SecretString,
 * SecretBinary, parameter and environment variable values), tokens (approval tokens, webhook secrets, OAuth tokens,
 * session tokens), passwords, keys and action logs. Matching is by member name, deliberately broad: a harmless member
 * hidden costs a reader little, a secret kept costs much. The value is replaced by CloudTrail's own marker.
 */
public final class SecretRedaction {
    /** What CloudTrail writes in place of a sensitive value. */
    public static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

    /** Member names (lower case) hidden wherever they appear, in any service. */
    private static final Set<String> NAMES = Set.of("value", "values", "secretstring", "secretbinary", "plaintext",
            "body", "content", "contents", "log", "logs", "logtext", "chunk", "data");
    /** Fragments (lower case) of member names hidden wherever they appear. */
    private static final Set<String> FRAGMENTS = Set.of("secret", "password", "token", "credential", "privatekey", "accesskey",
            "signature", "authorization");
    /** Names that contain a fragment but are only pagination or idempotency markers: kept, they help a reader. */
    private static final Set<String> KEPT = Set.of("nexttoken", "clienttoken", "continuationtoken", "accesskeyid");

    private SecretRedaction() {
    }

    /** A copy of {@code parameters} with every sensitive member's value hidden; null stays null. */
    public static JsonNode redact(JsonNode parameters) {
        if (parameters == null || parameters.isNull() || parameters.isMissingNode()) {
            return null;
        }
        return copy(parameters);
    }

    /** Whether a member of this name is hidden. */
    public static boolean isSensitive(String memberName) {
        String name = memberName.toLowerCase(Locale.ROOT);
        if (KEPT.contains(name)) {
            return false;
        }
        if (NAMES.contains(name)) {
            return true;
        }
        for (String fragment : FRAGMENTS) {
            if (name.contains(fragment)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode copy(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (var member : node.properties()) {
                out.set(member.getKey(), isSensitive(member.getKey()) ? JsonNodeFactory.instance.textNode(HIDDEN) : copy(member.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(copy(element)));
            return out;
        }
        return node;
    }
}
