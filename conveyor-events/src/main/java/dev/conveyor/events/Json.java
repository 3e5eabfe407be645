package dev.conveyor.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** One JSON mapper for the module, and the timestamp formats events use. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    public static JsonNode read(String json) {
        try {
            return json == null ? MAPPER.nullNode() : MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** EventBridge's envelope time: seconds, UTC ({@code 2026-01-24T22:03:07Z}). */
    public static String seconds(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Milliseconds, UTC ({@code 2026-01-24T22:03:07.512Z}): detail times and SNS timestamps. */
    public static String millis(Instant t) {
        Instant m = t.truncatedTo(ChronoUnit.MILLIS);
        String s = DateTimeFormatter.ISO_INSTANT.format(m);
        return m.getNano() == 0 ? s.replace("Z", ".000Z") : s;
    }
}
