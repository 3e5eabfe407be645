package dev.conveyor.model.servicemodel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.errors.SerializationException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.validation.Violation;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a JSON request against the service model's input shape: JSON types, required members, string lengths
 * and patterns, enums, number ranges and list and map sizes. Every violation is collected, with the member's path,
 * in the words AWS services use ("Member must not be null"), so one response names every problem.
 *
 * <p>Patterns are matched against the whole value, as the AWS services do. Values of shapes marked sensitive are
 * never echoed in messages.
 *
 * <p>Beyond the model's own constraints it holds every value to what the operations behind it can take: no NUL
 * character in any string (AWS rejects it as an invalid character; PostgreSQL cannot store it at all), no null
 * inside a list or as a map value, integers that fit their shape's width, timestamps that parse
 * ({@link ShapeNormalizer} turns them into epoch seconds) and blobs that are base64.
 */
public final class ShapeValidator {
    private final ServiceModel model;
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    public ShapeValidator(ServiceModel model) {
        this.model = model;
    }

    /** Validates the input of an operation; {@code body} is the whole request object. */
    public List<Violation> validateInput(ServiceModel.Operation operation, JsonNode body) {
        List<Violation> violations = new ArrayList<>();
        if (operation.inputShape() != null) {
            validate(operation.inputShape(), body, "", violations);
        }
        return violations;
    }

    /** Validates {@code value} against {@code shapeName}, adding what is wrong to {@code out}. */
    public void validate(String shapeName, JsonNode value, String path, List<Violation> out) {
        JsonNode shape = model.shape(shapeName);
        if (value == null || value.isNull()) {
            return; // absence is judged by the enclosing structure's "required"
        }
        String type = shape.path("type").asText();
        switch (type) {
            case "structure" -> validateStructure(shape, value, path, out);
            case "list" -> validateList(shape, value, path, out);
            case "map" -> validateMap(shape, value, path, out);
            case "string" -> validateString(shape, value, path, out);
            case "integer", "long" -> validateInteger(shape, value, path, out);
            case "float", "double" -> expect(value.isNumber(), "a number", value, path, out);
            case "boolean" -> expect(value.isBoolean(), "a boolean", value, path, out);
            case "timestamp" -> expect(ShapeNormalizer.epochSeconds(value) != null,
                    "a timestamp (epoch seconds or ISO 8601, years 1 to 9999)", value, path, out);
            case "blob" -> expect(value.isTextual() && isBase64(value.asText()), "a base64 string", value, path, out);
            default -> throw new IllegalStateException("shape " + shapeName + " has unknown type " + type);
        }
    }

    private void validateStructure(JsonNode shape, JsonNode value, String path, List<Violation> out) {
        if (!expect(value.isObject(), "an object", value, path, out)) {
            return;
        }
        for (JsonNode required : shape.path("required")) {
            JsonNode member = value.get(required.asText());
            if (member == null || member.isNull()) {
                out.add(notNull(join(path, required.asText())));
            }
        }
        shape.path("members").properties().forEach(member ->
                validate(member.getValue().path("shape").asText(), value.get(member.getKey()),
                        join(path, member.getKey()), out));
    }

    private void validateList(JsonNode shape, JsonNode value, String path, List<Violation> out) {
        if (!expect(value.isArray(), "a list", value, path, out)) {
            return;
        }
        checkSize(shape, value.size(), path, out);
        String member = shape.path("member").path("shape").asText();
        for (int i = 0; i < value.size(); i++) {
            String elementPath = path + "[" + i + "]";
            if (value.get(i).isNull()) {
                out.add(notNull(elementPath)); // a list has no "absent" element for a null to stand for
            } else {
                validate(member, value.get(i), elementPath, out);
            }
        }
    }

    private void validateMap(JsonNode shape, JsonNode value, String path, List<Violation> out) {
        if (!expect(value.isObject(), "an object", value, path, out)) {
            return;
        }
        checkSize(shape, value.size(), path, out);
        String keyShape = shape.path("key").path("shape").asText();
        String valueShape = shape.path("value").path("shape").asText();
        value.properties().forEach(entry -> {
            String entryPath = path + "." + entry.getKey();
            validateString(model.shape(keyShape), com.fasterxml.jackson.databind.node.TextNode.valueOf(entry.getKey()),
                    entryPath, out);
            if (entry.getValue().isNull()) {
                out.add(notNull(entryPath));
            } else {
                validate(valueShape, entry.getValue(), entryPath, out);
            }
        });
    }

    private void validateString(JsonNode shape, JsonNode value, String path, List<Violation> out) {
        if (!expect(value.isTextual(), "a string", value, path, out)) {
            return;
        }
        String text = value.asText();
        String shown = shape.path("sensitive").asBoolean(false) ? "***" : text;
        if (text.indexOf('\u0000') >= 0) {
            // Checked first and alone: the value cannot be shown, and its other constraints do not matter.
            out.add(new Violation(ValidationException.class, path,
                    "Value at '%s' failed to satisfy constraint: Member must not contain the NUL character (U+0000)".formatted(path)));
            return;
        }
        int length = text.codePointCount(0, text.length());
        if (shape.has("min") && length < shape.get("min").asLong()) {
            out.add(constraint(shown, path, "Member must have length greater than or equal to " + shape.get("min").asLong()));
        }
        if (shape.has("max") && length > shape.get("max").asLong()) {
            out.add(constraint(shown, path, "Member must have length less than or equal to " + shape.get("max").asLong()));
        }
        if (shape.has("enum")) {
            List<String> allowed = new ArrayList<>();
            shape.get("enum").forEach(e -> allowed.add(e.asText()));
            if (!allowed.contains(text)) {
                out.add(constraint(shown, path, "Member must satisfy enum value set: " + allowed));
            }
        }
        if (shape.has("pattern")) {
            String regex = shape.get("pattern").asText();
            if (!pattern(regex).matcher(text).matches()) {
                out.add(constraint(shown, path, "Member must satisfy regular expression pattern: " + regex));
            }
        }
    }

    private void validateInteger(JsonNode shape, JsonNode value, String path, List<Violation> out) {
        if (!expect(value.isIntegralNumber(), "an integer", value, path, out)) {
            return;
        }
        boolean isInt = "integer".equals(shape.path("type").asText());
        if (isInt ? !value.canConvertToInt() : !value.canConvertToLong()) {
            // Wider than the shape's 32 or 64 bits: reading it would wrap around silently.
            out.add(constraint(value.asText(), path, "Member must have value between %d and %d"
                    .formatted(isInt ? Integer.MIN_VALUE : Long.MIN_VALUE, isInt ? Integer.MAX_VALUE : Long.MAX_VALUE)));
            return;
        }
        long number = value.asLong();
        if (shape.has("min") && number < shape.get("min").asLong()) {
            out.add(constraint(value.asText(), path, "Member must have value greater than or equal to " + shape.get("min").asLong()));
        }
        if (shape.has("max") && number > shape.get("max").asLong()) {
            out.add(constraint(value.asText(), path, "Member must have value less than or equal to " + shape.get("max").asLong()));
        }
    }

    private void checkSize(JsonNode shape, int size, String path, List<Violation> out) {
        if (shape.has("min") && size < shape.get("min").asLong()) {
            out.add(new Violation(ValidationException.class, path, "Value at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d"
                    .formatted(path, shape.get("min").asLong())));
        }
        if (shape.has("max") && size > shape.get("max").asLong()) {
            out.add(new Violation(ValidationException.class, path, "Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d"
                    .formatted(path, shape.get("max").asLong())));
        }
    }

    private static boolean expect(boolean ok, String expected, JsonNode value, String path, List<Violation> out) {
        if (!ok) {
            out.add(new Violation(SerializationException.class, path,
                    "Expected %s at '%s' but found %s".formatted(expected, path, describe(value))));
        }
        return ok;
    }

    private static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static Violation notNull(String path) {
        return new Violation(ValidationException.class, path,
                "Value null at '%s' failed to satisfy constraint: Member must not be null".formatted(path));
    }

    private static boolean isBase64(String text) {
        try {
            Base64.getDecoder().decode(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Violation constraint(String shown, String path, String rule) {
        return new Violation(ValidationException.class, path,
                "Value '%s' at '%s' failed to satisfy constraint: %s".formatted(shown, path, rule));
    }

    private Pattern pattern(String regex) {
        return patterns.computeIfAbsent(regex, Pattern::compile);
    }

    private static String join(String path, String member) {
        return path.isEmpty() ? member : path + "." + member;
    }
}
