package dev.conveyor.events.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.events.Json;
import dev.conveyor.events.notifications.EventTypes;
import dev.conveyor.events.notifications.NotificationRuleRow;
import dev.conveyor.events.notifications.NotificationRules;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.events.rules.EventBridgeApi;
import dev.conveyor.events.rules.EventPattern;
import dev.conveyor.events.rules.RuleRow;
import dev.conveyor.events.rules.Rules;
import dev.conveyor.events.sns.SnsFanout;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Expands one outbox row into its deliveries, inside the transaction that marks it routed: an event goes to the
 * targets of every enabled EventBridge rule it matches (a "Scheduled Event" only to its own rule's) and of every
 * enabled notification rule on one of its resources (a pipeline, a CodeDeploy application) naming one of its event
 * type ids; a message for a topic goes to the
 * topic's confirmed subscriptions.
 */
final class Router {
    private final Rules rules = new Rules();
    private final NotificationRules notificationRules = new NotificationRules();
    private final SnsFanout fanout;
    private final java.util.function.Supplier<String> publicUrl;

    Router(SnsFanout fanout, java.util.function.Supplier<String> publicUrl) {
        this.fanout = fanout;
        this.publicUrl = publicUrl;
    }

    /**
     * The rules one transaction routes by, each read once when first needed: the enabled EventBridge rules, a rule's
     * targets, the enabled notification rules of a resource. A transition writes two or three events, and reading
     * the rules again for each was two round trips per event inside the pipeline's lock on PostgreSQL (issue 20).
     */
    final class Snapshot {
        private List<RuleRow> enabled;
        private final Map<String, List<JsonNode>> targets = new HashMap<>();
        private final Map<String, List<NotificationRuleRow>> notifications = new HashMap<>();

        List<RuleRow> enabled(Connection c) throws SQLException {
            if (enabled == null) {
                enabled = rules.enabled(c);
            }
            return enabled;
        }

        List<JsonNode> targets(Connection c, String rule) throws SQLException {
            return once(targets, rule, () -> rules.targets(c, rule));
        }

        List<NotificationRuleRow> notificationRules(Connection c, String resource) throws SQLException {
            return once(notifications, resource, () -> notificationRules.forResource(c, resource));
        }

        private static <T> List<T> once(Map<String, List<T>> held, String key, Read<T> read) throws SQLException {
            List<T> rows = held.get(key);
            if (rows == null) {
                rows = read.rows();
                held.put(key, rows);
            }
            return rows;
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        List<T> rows() throws SQLException;
    }

    /** A snapshot to route one transaction's rows by. */
    Snapshot snapshot() {
        return new Snapshot();
    }

    List<DeliveryRow> route(Connection c, OutboxRow row, Instant now, Snapshot snapshot) throws SQLException {
        List<DeliveryRow> out = new ArrayList<>();
        if (OutboxRow.PUBLISH.equals(row.kind())) {
            out.addAll(fanout.deliveries(c, row, row.topicArn(), row.subject(), Json.read(row.body()), "", now));
            return out;
        }
        JsonNode event = Json.read(row.body());
        boolean scheduled = EventBridgeApi.SCHEDULED_EVENT.equals(event.path("detail-type").asText())
                && "aws.events".equals(event.path("source").asText());
        for (RuleRow rule : snapshot.enabled(c)) {
            boolean matches = scheduled ? event.path("resources").path(0).asText().equals(rule.arn())
                    : rule.eventPattern() != null && EventPattern.parse(rule.eventPattern()).matches(event);
            if (!matches) {
                continue;
            }
            for (JsonNode target : snapshot.targets(c, rule.name())) {
                out.addAll(ruleTarget(c, row, event, rule, target, now));
            }
        }
        List<String> types = EventTypes.of(event);
        List<String> resources = new ArrayList<>();
        event.path("resources").forEach(r -> resources.add(r.asText()));
        for (String resource : types.isEmpty() ? List.<String>of() : resources) {
            for (NotificationRuleRow rule : snapshot.notificationRules(c, resource)) {
                JsonNode wanted = Json.read(rule.eventTypeIds());
                boolean any = false;
                for (JsonNode id : wanted) {
                    any |= types.contains(id.asText());
                }
                if (!any) {
                    continue;
                }
                for (JsonNode target : Json.read(rule.targets())) {
                    out.addAll(notificationTarget(c, row, event, rule, target, now));
                }
            }
        }
        return out;
    }

    private List<DeliveryRow> ruleTarget(Connection c, OutboxRow row, JsonNode event, RuleRow rule, JsonNode target, Instant now)
            throws SQLException {
        String arn = target.path("Arn").asText();
        String subscriber = "rule/" + rule.name() + "/" + target.path("Id").asText();
        String payload = input(event, target);
        if (arn.startsWith("arn:aws:sns:")) {
            return fanout.deliveries(c, row, arn, null, Json.object().put("default", payload), subscriber + "/", now);
        }
        ObjectNode attributes = Json.object();
        String kind;
        if (arn.startsWith("arn:aws:codepipeline:")) {
            kind = "pipeline";
            attributes.put("ruleArn", rule.arn());
        } else {
            kind = "webhook";
            attributes.put("secret", target.path("HttpParameters").path("HeaderParameters").path(EventBridgeApi.WEBHOOK_SECRET_PARAMETER).asText());
            attributes.put("eventId", row.eventId());
        }
        return List.of(delivery(row, subscriber, kind, arn, payload, attributes, now));
    }

    /** The target's Input (constant JSON), InputPath ($.a.b), or the whole event. */
    private static String input(JsonNode event, JsonNode target) {
        if (target.hasNonNull("Input")) {
            return target.get("Input").asText();
        }
        if (target.hasNonNull("InputPath")) {
            JsonNode node = event;
            String path = target.get("InputPath").asText();
            for (String part : path.replaceFirst("^\\$\\.?", "").split("\\.")) {
                if (!part.isEmpty()) {
                    node = node.path(part);
                }
            }
            return node.isMissingNode() ? "null" : Json.write(node);
        }
        return Json.write(event);
    }

    private List<DeliveryRow> notificationTarget(Connection c, OutboxRow row, JsonNode event, NotificationRuleRow rule, JsonNode target,
                                                 Instant now) throws SQLException {
        String type = target.path("TargetType").asText();
        String address = target.path("TargetAddress").asText();
        String subscriber = "notification/" + rule.arn() + "/";
        if ("SNS".equals(type)) {
            ObjectNode message = Json.object();
            message.put("account", event.path("account").asText());
            message.put("detailType", event.path("detail-type").asText());
            message.put("region", event.path("region").asText());
            message.put("source", event.path("source").asText());
            message.put("time", event.path("time").asText());
            message.put("notificationRuleArn", rule.arn());
            message.set("detail", event.path("detail"));
            message.set("resources", event.path("resources"));
            ObjectNode additional = message.putObject("additionalAttributes");
            String summary = event.path("detail").path("execution-result").path("external-execution-summary").asText(null);
            if (summary != null) {
                additional.put("additionalInformation", summary);
            }
            return fanout.deliveries(c, row, address, null, Json.object().put("default", Json.write(message)), subscriber, now);
        }
        return List.of(delivery(row, subscriber + address, "slack", address, Json.write(SlackMessages.blocks(event, publicUrl.get())), Json.object(),
                now));
    }

    private static DeliveryRow delivery(OutboxRow row, String subscriber, String kind, String endpoint, String payload,
                                        ObjectNode attributes, Instant now) {
        String lane = subscriber + "|" + (row.executionId() == null ? "" : row.executionId());
        return new DeliveryRow(UUID.randomUUID().toString(), row.seq(), row.eventId(), subscriber, lane, kind, endpoint, payload,
                Json.write(attributes), DeliveryRow.PENDING, 0, now, null, now, null);
    }
}
