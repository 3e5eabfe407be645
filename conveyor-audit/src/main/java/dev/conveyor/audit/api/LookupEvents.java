package dev.conveyor.audit.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.audit.store.AuditRepository;
import dev.conveyor.audit.store.LookupFilter;
import dev.conveyor.audit.store.StoredEvent;
import dev.conveyor.model.errors.InvalidNextTokenException;
import dev.conveyor.model.json.ConveyorJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * CloudTrail's LookupEvents over the audit trail. Attributes are CloudTrail's eight; where AWS takes only one, several
 * are accepted and must all match. Without a time range the retention window is searched (CloudTrail: the last 90
 * days). Events come newest first, at most 50 a page; NextToken is the position after the page's last event.
 */
public final class LookupEvents {
    private static final int DEFAULT_MAX_RESULTS = 50;

    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final AuditRepository repository;
    private final Duration retention;
    private final Clock clock;

    public LookupEvents(AuditRepository repository, Duration retention, Clock clock) {
        this.repository = repository;
        this.retention = retention;
        this.clock = clock;
    }

    /** Handles one LookupEvents request (already checked against the model's input shape). */
    public JsonNode handle(JsonNode input) {
        List<LookupFilter> filters = filters(input.path("LookupAttributes"));
        Instant now = clock.instant();
        Instant start = input.has("StartTime") ? time(input.get("StartTime"), "StartTime") : now.minus(retention);
        // Without EndTime the range ends now, or at StartTime when that is later (an empty range rather than an error).
        Instant end = input.has("EndTime") ? time(input.get("EndTime"), "EndTime") : start.isAfter(now) ? start : now;
        if (start.isAfter(end)) {
            throw new InvalidTimeRangeException("StartTime " + start + " is after EndTime " + end, "StartTime");
        }
        int maxResults = input.has("MaxResults") ? input.get("MaxResults").asInt() : DEFAULT_MAX_RESULTS;
        if (maxResults < 1 || maxResults > 50) {
            throw new InvalidMaxResultsException("MaxResults must be between 1 and 50, got " + maxResults, "MaxResults");
        }
        AuditRepository.Cursor after = input.hasNonNull("NextToken") ? cursor(input.get("NextToken").asText()) : null;
        // EventCategory "insight" asks for Insights events only: Conveyor records none.
        List<StoredEvent> page = input.path("EventCategory").asText("").equals("insight") ? List.of()
                : repository.find(filters, start, end, after, maxResults + 1);
        ObjectNode output = mapper.createObjectNode();
        ArrayNode events = output.putArray("Events");
        for (StoredEvent e : page.subList(0, Math.min(maxResults, page.size()))) {
            ObjectNode event = events.addObject();
            event.put("EventId", e.eventId());
            event.put("EventName", e.eventName());
            event.put("ReadOnly", Boolean.toString(e.readOnly()));
            if (e.accessKeyId() != null) {
                event.put("AccessKeyId", e.accessKeyId());
            }
            event.put("EventTime", BigDecimal.valueOf(e.eventTime().toEpochMilli(), 3));
            event.put("EventSource", e.eventSource());
            if (e.username() != null) {
                event.put("Username", e.username());
            }
            ArrayNode resources = event.putArray("Resources");
            e.resources().forEach(r -> resources.addObject().put("ResourceType", r.type()).put("ResourceName", r.name()));
            event.put("CloudTrailEvent", e.cloudTrailEvent());
        }
        if (page.size() > maxResults) {
            StoredEvent last = page.get(maxResults - 1);
            output.put("NextToken", token(new AuditRepository.Cursor(last.eventTime().toEpochMilli(), last.seq())));
        }
        return output;
    }

    private static List<LookupFilter> filters(JsonNode attributes) {
        List<LookupFilter> filters = new ArrayList<>();
        for (int i = 0; i < attributes.size(); i++) {
            JsonNode attribute = attributes.get(i);
            String path = "LookupAttributes[" + i + "]";
            LookupFilter.Attribute key;
            try {
                key = LookupFilter.Attribute.valueOf(attribute.path("AttributeKey").asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidLookupAttributesException("Unknown AttributeKey '" + attribute.path("AttributeKey").asText()
                        + "' at " + path + ".AttributeKey", path + ".AttributeKey");
            }
            String value = attribute.path("AttributeValue").asText();
            if (value.isEmpty()) {
                throw new InvalidLookupAttributesException(path + ".AttributeValue must not be empty", path + ".AttributeValue");
            }
            if (key == LookupFilter.Attribute.ReadOnly && !value.equals("true") && !value.equals("false")) {
                throw new InvalidLookupAttributesException(path + ".AttributeValue for ReadOnly must be true or false, got '"
                        + value + "'", path + ".AttributeValue");
            }
            filters.add(new LookupFilter(key, value));
        }
        return filters;
    }

    /** A timestamp as the AWS JSON protocol sends it: epoch seconds (possibly fractional), or ISO 8601 text. */
    private static Instant time(JsonNode value, String member) {
        if (value.isNumber()) {
            return Instant.ofEpochMilli(value.decimalValue().movePointRight(3).longValue());
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new InvalidTimeRangeException(member + " is not a timestamp: '" + value.asText() + "'", member);
        }
    }

    private static String token(AuditRepository.Cursor cursor) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("v1:" + cursor.eventTimeMillis() + ":" + cursor.seq()).getBytes(StandardCharsets.UTF_8));
    }

    private static AuditRepository.Cursor cursor(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            if (parts.length == 3 && parts[0].equals("v1")) {
                return new AuditRepository.Cursor(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            }
        } catch (IllegalArgumentException e) {
            // falls through: not a token this server made
        }
        throw new InvalidNextTokenException("NextToken is not valid; pass the NextToken of the previous response unchanged",
                "NextToken");
    }
}
