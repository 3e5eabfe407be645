package dev.conveyor.events.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.events.Json;
import dev.conveyor.events.delivery.DeliveryRow;
import dev.conveyor.events.outbox.OutboxRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Expands a message for a topic into one delivery per confirmed subscription. {@code messages} is a JSON object of
 * messages per protocol with a {@code default} (SNS's MessageStructure=json). Every subscription of one publication
 * shares its MessageId and Timestamp, which stay the same on every retry.
 */
public final class SnsFanout {
    private final Topics topics;

    public SnsFanout(Topics topics) {
        this.topics = topics;
    }

    public List<DeliveryRow> deliveries(Connection c, OutboxRow row, String topicArn, String subject, JsonNode messages,
                                        String subscriberPrefix, Instant now) throws SQLException {
        List<DeliveryRow> out = new ArrayList<>();
        String messageId = OutboxRow.PUBLISH.equals(row.kind()) && subscriberPrefix.isEmpty() ? row.eventId() : UUID.nameUUIDFromBytes((row.eventId() + "|" + topicArn + "|" + subscriberPrefix).getBytes()).toString();
        for (Topics.Subscription s : topics.subscriptions(c, topicArn)) {
            if (!s.confirmed()) {
                continue;
            }
            String message = messages.has(s.protocol()) ? messages.get(s.protocol()).asText() : messages.path("default").asText();
            ObjectNode attributes = Json.object();
            attributes.put("protocol", s.protocol());
            attributes.put("topicArn", topicArn);
            attributes.put("subscriptionArn", s.arn());
            attributes.put("messageId", messageId);
            attributes.put("timestamp", Json.millis(row.createdAt()));
            attributes.put("type", "Notification");
            if (subject != null) {
                attributes.put("subject", subject);
            }
            attributes.put("raw", Json.read(s.attributes()).path("RawMessageDelivery").asText("false").equals("true"));
            attributes.put("signatureVersion", topicSignatureVersion(c, topicArn));
            String subscriber = subscriberPrefix + s.arn();
            String lane = subscriber + "|" + (row.executionId() == null ? "" : row.executionId());
            out.add(new DeliveryRow(UUID.randomUUID().toString(), row.seq(), row.eventId(), subscriber, lane, "sns", s.endpoint(), message,
                    Json.write(attributes), DeliveryRow.PENDING, 0, now, null, now, null));
        }
        return out;
    }

    private String topicSignatureVersion(Connection c, String topicArn) throws SQLException {
        return topics.topic(c, topicArn).map(t -> Json.read(t.attributes()).path("SignatureVersion").asText("1")).orElse("1");
    }
}
