package dev.conveyor.iam.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads policy documents as IAM does, refusing what IAM refuses with its messages: not JSON, unknown elements, a
 * missing Effect, both or neither of Action/NotAction, actions without a service prefix, resources that are not ARNs
 * or {@code *}, unknown condition operators, a Principal where it does not belong (identity policies) or missing
 * where it must be (trust policies).
 */
public final class PolicyParser {
    /**
     * What the document is for: permissions of an identity, a role's trust policy, or a resource-based policy (a
     * bucket policy: Principal and Resource both required).
     */
    public enum Kind { IDENTITY, TRUST, RESOURCE }

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> TOP_LEVEL = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT = Set.of("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition",
            "Principal", "NotPrincipal");
    private static final Set<String> VERSIONS = Set.of(PolicyDocument.CURRENT_VERSION, "2008-10-17");

    private PolicyParser() {
    }

    public static PolicyDocument parse(String text, Kind kind) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedPolicyException("Syntax errors in policy.");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedPolicyException("Syntax errors in policy.");
        }
        unknownElements(root, TOP_LEVEL, "policy");
        String version = "2008-10-17"; // IAM's default when Version is absent
        if (root.has("Version")) {
            if (!root.get("Version").isTextual() || !VERSIONS.contains(root.get("Version").asText())) {
                throw new MalformedPolicyException("The policy must contain a valid version string");
            }
            version = root.get("Version").asText();
        }
        JsonNode statementNode = root.get("Statement");
        if (statementNode == null) {
            throw new MalformedPolicyException("Syntax errors in policy. Missing required field Statement");
        }
        List<JsonNode> statementNodes = new ArrayList<>();
        if (statementNode.isArray()) {
            statementNode.forEach(statementNodes::add);
        } else {
            statementNodes.add(statementNode);
        }
        if (statementNodes.isEmpty()) {
            throw new MalformedPolicyException("Syntax errors in policy. Statement must not be empty");
        }
        List<Statement> statements = new ArrayList<>();
        for (JsonNode s : statementNodes) {
            statements.add(statement(s, kind));
        }
        return new PolicyDocument(version, statements);
    }

    private static Statement statement(JsonNode s, Kind kind) {
        if (!s.isObject()) {
            throw new MalformedPolicyException("Syntax errors in policy. Each Statement must be an object");
        }
        unknownElements(s, STATEMENT, "statement");
        String sid = null;
        if (s.has("Sid")) {
            if (!s.get("Sid").isTextual() || !s.get("Sid").asText().matches("[A-Za-z0-9]*")) {
                throw new MalformedPolicyException("Statement IDs (SID) must be alpha-numeric.");
            }
            sid = s.get("Sid").asText();
        }
        JsonNode effectNode = s.get("Effect");
        if (effectNode == null) {
            throw new MalformedPolicyException("Missing required field Effect");
        }
        Effect effect;
        if ("Allow".equals(effectNode.asText(null))) {
            effect = Effect.Allow;
        } else if ("Deny".equals(effectNode.asText(null))) {
            effect = Effect.Deny;
        } else {
            throw new MalformedPolicyException("Invalid effect: " + effectNode.asText());
        }
        boolean notAction = exactlyOne(s, "Action", "NotAction");
        List<String> actions = strings(s.get(notAction ? "NotAction" : "Action"), notAction ? "NotAction" : "Action");
        for (String action : actions) {
            if (!"*".equals(action) && (action.indexOf(':') <= 0 || action.indexOf(':') == action.length() - 1)) {
                throw new MalformedPolicyException("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
            }
        }
        boolean hasPrincipal = s.has("Principal") || s.has("NotPrincipal");
        Map<String, List<String>> principals = Map.of();
        boolean notResource = false;
        List<String> resources = List.of();
        if (kind == Kind.IDENTITY) {
            if (hasPrincipal) {
                throw new MalformedPolicyException("Policy document should not specify a principal.");
            }
            notResource = exactlyOne(s, "Resource", "NotResource");
        } else if (kind == Kind.RESOURCE) {
            if (s.has("NotPrincipal")) {
                throw new MalformedPolicyException("NotPrincipal is not supported in Conveyor's bucket policies; use Principal");
            }
            if (!s.has("Principal")) {
                throw new MalformedPolicyException("Missing required field Principal");
            }
            principals = principals(s.get("Principal"));
            notResource = exactlyOne(s, "Resource", "NotResource");
        } else {
            if (!s.has("Principal")) {
                throw new MalformedPolicyException("Missing required field Principal");
            }
            principals = principals(s.get("Principal"));
            if (s.has("Resource") || s.has("NotResource")) {
                throw new MalformedPolicyException("Has prohibited field Resource");
            }
        }
        if (s.has("Resource") || s.has("NotResource")) {
            resources = strings(s.get(notResource ? "NotResource" : "Resource"), notResource ? "NotResource" : "Resource");
            for (String resource : resources) {
                if (!"*".equals(resource) && !resource.startsWith("arn:")) {
                    throw new MalformedPolicyException("Resource " + resource + " must be in ARN format or \"*\".");
                }
            }
        }
        return new Statement(sid, effect, notAction, actions, notResource, resources, conditions(s.get("Condition")), principals);
    }

    /** Which of two exclusive elements is present: false for the first, true for the second; refused when both or neither. */
    private static boolean exactlyOne(JsonNode s, String first, String second) {
        boolean hasFirst = s.has(first), hasSecond = s.has(second);
        if (hasFirst && hasSecond) {
            throw new MalformedPolicyException("Syntax errors in policy. A statement cannot have both " + first + " and " + second);
        }
        if (!hasFirst && !hasSecond) {
            throw new MalformedPolicyException("Policy statement must contain " + (first.equals("Action") ? "actions" : "resources") + ".");
        }
        return hasSecond;
    }

    private static List<String> strings(JsonNode node, String element) {
        List<String> values = new ArrayList<>();
        if (node.isTextual()) {
            values.add(node.asText());
        } else if (node.isArray()) {
            for (JsonNode v : node) {
                if (!v.isTextual()) {
                    throw new MalformedPolicyException("Syntax errors in policy. " + element + " must hold strings");
                }
                values.add(v.asText());
            }
        } else {
            throw new MalformedPolicyException("Syntax errors in policy. " + element + " must be a string or a list of strings");
        }
        if (values.isEmpty()) {
            throw new MalformedPolicyException("Policy statement must contain " + (element.endsWith("Action") ? "actions" : "resources") + ".");
        }
        return values;
    }

    private static Map<String, List<String>> principals(JsonNode node) {
        if (node.isTextual() && "*".equals(node.asText())) {
            return Map.of("AWS", List.of("*"));
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new MalformedPolicyException("Invalid principal in policy");
        }
        Map<String, List<String>> principals = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!Set.of("AWS", "Service", "Federated", "CanonicalUser").contains(e.getKey())) {
                throw new MalformedPolicyException("Invalid principal in policy: " + e.getKey());
            }
            principals.put(e.getKey(), strings(e.getValue(), "Principal"));
        }
        return principals;
    }

    private static List<Condition> conditions(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new MalformedPolicyException("Syntax errors in policy. Condition must be an object");
        }
        List<Condition> conditions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> op : node.properties()) {
            String name = op.getKey();
            String setQualifier = null;
            int colon = name.indexOf(':');
            if (colon > 0) {
                setQualifier = name.substring(0, colon);
                if (!setQualifier.equals("ForAnyValue") && !setQualifier.equals("ForAllValues")) {
                    throw new MalformedPolicyException("Invalid Condition type : " + name);
                }
                name = name.substring(colon + 1);
            }
            boolean ifExists = name.endsWith("IfExists") && !name.equals("IfExists");
            String base = ifExists ? name.substring(0, name.length() - "IfExists".length()) : name;
            Optional<ConditionOperator> operator = ConditionOperator.named(base);
            if (operator.isEmpty() || (ifExists && operator.get() == ConditionOperator.Null)) {
                throw new MalformedPolicyException("Invalid Condition type : " + op.getKey());
            }
            if (!op.getValue().isObject() || op.getValue().isEmpty()) {
                throw new MalformedPolicyException("Syntax errors in policy. Condition " + op.getKey() + " must map keys to values");
            }
            for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
                List<String> values = conditionValues(key.getValue(), op.getKey());
                for (String v : values) {
                    if (!operator.get().accepts(v)) {
                        throw new MalformedPolicyException("Invalid value for " + op.getKey() + " condition on " + key.getKey() + ": " + v);
                    }
                }
                conditions.add(new Condition(operator.get(), ifExists, setQualifier, key.getKey(), values));
            }
        }
        return conditions;
    }

    /** Condition values may be strings, numbers or booleans, alone or in a list; all are compared as strings. */
    private static List<String> conditionValues(JsonNode node, String operator) {
        List<JsonNode> nodes = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(nodes::add);
        } else {
            nodes.add(node);
        }
        List<String> values = new ArrayList<>();
        for (JsonNode v : nodes) {
            if (!v.isValueNode() || v.isNull()) {
                throw new MalformedPolicyException("Syntax errors in policy. Values of " + operator + " must be strings");
            }
            values.add(v.asText());
        }
        if (values.isEmpty()) {
            throw new MalformedPolicyException("Syntax errors in policy. " + operator + " needs at least one value");
        }
        return values;
    }

    private static void unknownElements(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new MalformedPolicyException("Syntax errors in policy. Unknown " + where + " element: " + name);
            }
        }
    }
}
