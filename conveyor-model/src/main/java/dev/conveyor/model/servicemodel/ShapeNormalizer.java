package dev.conveyor.model.servicemodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Brings a request that {@link ShapeValidator} accepted into the one form operations read: a member set to JSON
 * {@code null} is removed (AWS treats it as absent, and operations test presence with {@code has}), and every
 * timestamp is epoch seconds as a decimal number, whether the client sent a number or an ISO 8601 string.
 */
public final class ShapeNormalizer {
    /** Years 1 to 9999, what every database Conveyor runs on can store and AWS's own timestamps span. */
    private static final BigDecimal EARLIEST = BigDecimal.valueOf(-62_135_596_800L);
    private static final BigDecimal LATEST = BigDecimal.valueOf(253_402_300_799L);

    private final ServiceModel model;

    public ShapeNormalizer(ServiceModel model) {
        this.model = model;
    }

    /** Normalizes the input of {@code operation} in place; {@code body} must have passed validation. */
    public void normalizeInput(ServiceModel.Operation operation, JsonNode body) {
        if (operation.inputShape() != null) {
            normalize(operation.inputShape(), body);
        }
    }

    /**
     * The epoch seconds a timestamp member stands for, or {@code null} when it is neither a number nor a string
     * holding a decimal number or an ISO 8601 date-time with an offset, or lies outside the years 1 to 9999.
     */
    public static BigDecimal epochSeconds(JsonNode value) {
        BigDecimal seconds;
        if (value.isNumber()) {
            seconds = value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue()) ? null : value.decimalValue();
        } else if (value.isTextual()) {
            seconds = parse(value.asText().strip());
        } else {
            seconds = null;
        }
        return seconds == null || seconds.compareTo(EARLIEST) < 0 || seconds.compareTo(LATEST) > 0 ? null : seconds;
    }

    private static BigDecimal parse(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException notANumber) {
            try {
                return BigDecimal.valueOf(OffsetDateTime.parse(text).toInstant().toEpochMilli(), 3);
            } catch (DateTimeException notADate) {
                return null;
            }
        }
    }

    private JsonNode normalize(String shapeName, JsonNode value) {
        JsonNode shape = model.shape(shapeName);
        switch (shape.path("type").asText()) {
            case "structure" -> {
                ObjectNode object = (ObjectNode) value;
                List<String> nulls = new ArrayList<>();
                object.properties().forEach(e -> {
                    if (e.getValue().isNull()) {
                        nulls.add(e.getKey());
                    }
                });
                object.remove(nulls);
                for (Map.Entry<String, JsonNode> member : shape.path("members").properties()) {
                    JsonNode present = object.get(member.getKey());
                    if (present != null) {
                        object.set(member.getKey(), normalize(member.getValue().path("shape").asText(), present));
                    }
                }
                return object;
            }
            case "list" -> {
                ArrayNode list = (ArrayNode) value;
                String member = shape.path("member").path("shape").asText();
                for (int i = 0; i < list.size(); i++) {
                    list.set(i, normalize(member, list.get(i)));
                }
                return list;
            }
            case "map" -> {
                ObjectNode map = (ObjectNode) value;
                String valueShape = shape.path("value").path("shape").asText();
                List<String> keys = new ArrayList<>();
                map.fieldNames().forEachRemaining(keys::add);
                keys.forEach(key -> map.set(key, normalize(valueShape, map.get(key))));
                return map;
            }
            case "timestamp" -> {
                return value.isTextual() ? DecimalNode.valueOf(epochSeconds(value)) : value;
            }
            default -> {
                return value;
            }
        }
    }
}
