package dev.conveyor.events.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.events.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An EventBridge event pattern: an object whose leaves are arrays of matchers, each an exact value (string, number,
 * boolean, null) or one of the content filters {@code prefix}, {@code suffix}, {@code anything-but} (a value, a list of
 * values, or {@code {"prefix": …}}), {@code numeric} (up to two comparisons), {@code exists} and
 * {@code equals-ignore-case}. A field matches when any matcher matches any of its values (an array field's elements);
 * the pattern matches when every field does. {@code $or} is not supported.
 */
public final class EventPattern {
    private final JsonNode pattern;

    private EventPattern(JsonNode pattern) {
        this.pattern = pattern;
    }

    /** Parses and checks a pattern; the exception's message says what is wrong and where. */
    public static EventPattern parse(String text) {
        JsonNode node;
        try {
            node = Json.read(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventPatternException("Event pattern is not valid JSON: " + e.getMessage());
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new InvalidEventPatternException("Event pattern must be a non-empty JSON object");
        }
        check(node, "");
        return new EventPattern(node);
    }

    private static void check(JsonNode node, String path) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String where = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
            if (f.getKey().equals("$or")) {
                throw new InvalidEventPatternException("Event pattern: $or is not supported (at " + where + ")");
            }
            if (f.getValue().isObject()) {
                if (f.getValue().isEmpty()) {
                    throw new InvalidEventPatternException("Event pattern: empty object at " + where);
                }
                check(f.getValue(), where);
            } else if (f.getValue().isArray()) {
                if (f.getValue().isEmpty()) {
                    throw new InvalidEventPatternException("Event pattern: empty array at " + where);
                }
                for (JsonNode m : f.getValue()) {
                    checkMatcher(m, where);
                }
            } else {
                throw new InvalidEventPatternException("Event pattern: match value must be an array or an object at " + where);
            }
        }
    }

    private static void checkMatcher(JsonNode m, String where) {
        if (!m.isObject()) {
            if (m.isArray()) {
                throw new InvalidEventPatternException("Event pattern: nested array at " + where);
            }
            return;
        }
        if (m.size() != 1) {
            throw new InvalidEventPatternException("Event pattern: a content filter has exactly one key at " + where);
        }
        String op = m.fieldNames().next();
        JsonNode arg = m.get(op);
        switch (op) {
            case "prefix", "suffix", "equals-ignore-case" -> {
                if (!arg.isTextual()) {
                    throw new InvalidEventPatternException("Event pattern: " + op + " match pattern must be a string at " + where);
                }
            }
            case "exists" -> {
                if (!arg.isBoolean()) {
                    throw new InvalidEventPatternException("Event pattern: exists match pattern must be either true or false at " + where);
                }
            }
            case "anything-but" -> {
                if (arg.isObject()) {
                    if (arg.size() != 1 || !arg.has("prefix") && !arg.has("suffix") || !arg.elements().next().isTextual()) {
                        throw new InvalidEventPatternException("Event pattern: anything-but takes a value, a list of values, or "
                                + "{\"prefix\": string} at " + where);
                    }
                } else if (arg.isArray()) {
                    for (JsonNode v : arg) {
                        if (v.isContainerNode()) {
                            throw new InvalidEventPatternException("Event pattern: anything-but list holds values only at " + where);
                        }
                    }
                }
            }
            case "numeric" -> {
                if (!arg.isArray() || arg.isEmpty() || arg.size() % 2 != 0 || arg.size() > 4) {
                    throw new InvalidEventPatternException("Event pattern: numeric takes one or two [operator, number] pairs at " + where);
                }
                for (int i = 0; i < arg.size(); i += 2) {
                    String o = arg.get(i).asText();
                    if (!List.of("=", "<", "<=", ">", ">=").contains(o) || !arg.get(i + 1).isNumber()) {
                        throw new InvalidEventPatternException("Event pattern: bad numeric comparison '" + o + "' at " + where);
                    }
                }
            }
            default -> throw new InvalidEventPatternException("Event pattern: unrecognized match type " + op + " at " + where);
        }
    }

    public boolean matches(JsonNode event) {
        return matchesObject(pattern, event);
    }

    public boolean matches(String eventJson) {
        return matches(Json.read(eventJson));
    }

    private static boolean matchesObject(JsonNode pattern, JsonNode event) {
        Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode value = event == null ? null : event.get(f.getKey());
            if (f.getValue().isObject()) {
                if (value == null || !value.isObject() || !matchesObject(f.getValue(), value)) {
                    return false;
                }
            } else if (!matchesField(f.getValue(), value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesField(JsonNode matchers, JsonNode value) {
        boolean present = value != null && !value.isObject();
        List<JsonNode> values = new ArrayList<>();
        if (present) {
            if (value.isArray()) {
                value.forEach(values::add);
            } else {
                values.add(value);
            }
        }
        for (JsonNode m : matchers) {
            if (m.isObject() && m.has("exists")) {
                if (m.get("exists").asBoolean() == present) {
                    return true;
                }
                continue;
            }
            for (JsonNode v : values) {
                if (matchesOne(m, v)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matchesOne(JsonNode m, JsonNode v) {
        if (!m.isObject()) {
            return equal(m, v);
        }
        String op = m.fieldNames().next();
        JsonNode arg = m.get(op);
        return switch (op) {
            case "prefix" -> v.isTextual() && v.asText().startsWith(arg.asText());
            case "suffix" -> v.isTextual() && v.asText().endsWith(arg.asText());
            case "equals-ignore-case" -> v.isTextual() && v.asText().equalsIgnoreCase(arg.asText());
            case "anything-but" -> anythingBut(arg, v);
            case "numeric" -> v.isNumber() && numeric(arg, v.decimalValue());
            default -> false;
        };
    }

    private static boolean anythingBut(JsonNode arg, JsonNode v) {
        if (arg.isObject()) {
            if (arg.has("prefix")) {
                return v.isTextual() && !v.asText().startsWith(arg.get("prefix").asText());
            }
            return v.isTextual() && !v.asText().endsWith(arg.get("suffix").asText());
        }
        if (arg.isArray()) {
            for (JsonNode a : arg) {
                if (equal(a, v)) {
                    return false;
                }
            }
            return true;
        }
        return !equal(arg, v);
    }

    private static boolean numeric(JsonNode arg, BigDecimal x) {
        for (int i = 0; i < arg.size(); i += 2) {
            int cmp = x.compareTo(arg.get(i + 1).decimalValue());
            boolean ok = switch (arg.get(i).asText()) {
                case "=" -> cmp == 0;
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                default -> cmp >= 0;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isNull() || b.isNull()) {
            return a.isNull() && b.isNull();
        }
        return a.getNodeType() == b.getNodeType() && a.asText().equals(b.asText());
    }
}
