package dev.conveyor.cloudwatch.alertmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.cloudwatch.Alarms;
import dev.conveyor.model.alarms.AlarmStates.AlarmState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alertmanager's webhook receiver ({@code webhook_configs}, payload version 4): each alert names an alarm by a label
 * ({@code alertname} unless configured otherwise); an alarm with any firing alert in the notification goes to ALARM,
 * one whose alerts are all resolved to OK, through the same path as SetAlarmState (history, reason). Alerts naming no
 * existing alarm are reported back and otherwise ignored. Requests must carry {@code Authorization: Bearer <token>}
 * with the server's configured token; without a configured token the receiver refuses everything.
 */
public final class AlertmanagerWebhook {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerWebhook.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Alertmanager's notifications are small; 1 MiB is far beyond a thousand alerts with their labels. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private final Alarms alarms;
    private final String token;
    private final String alarmLabel;

    /** @param token the shared bearer token, or null to refuse every request; @param alarmLabel the label naming the alarm */
    public AlertmanagerWebhook(Alarms alarms, String token, String alarmLabel) {
        this.alarms = alarms;
        this.token = token == null || token.isEmpty() ? null : token;
        this.alarmLabel = alarmLabel == null || alarmLabel.isEmpty() ? "alertname" : alarmLabel;
    }

    /** An answer: HTTP status and a JSON body. */
    public record Answer(int status, String body) {
    }

    public Answer handle(String authorization, byte[] body) {
        if (token == null) {
            return message(403, "the Alertmanager webhook is off: start the server with --alertmanager-token");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || !MessageDigest.isEqual(authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8),
                        token.getBytes(StandardCharsets.UTF_8))) {
            return message(401, "missing or wrong bearer token");
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(body);
        } catch (IOException e) {
            return message(400, "the body is not JSON: " + e.getMessage());
        }
        if (payload == null || !payload.path("alerts").isArray()) {
            return message(400, "the body is not an Alertmanager notification: it has no alerts list");
        }
        // Per alarm: firing wins over resolved within one notification.
        Map<String, JsonNode> firing = new LinkedHashMap<>();
        Map<String, JsonNode> resolved = new LinkedHashMap<>();
        int unnamed = 0;
        for (JsonNode alert : payload.path("alerts")) {
            String name = alert.path("labels").path(alarmLabel).asText("");
            if (name.isEmpty()) {
                unnamed++;
                continue;
            }
            if ("firing".equals(alert.path("status").asText())) {
                firing.putIfAbsent(name, alert);
            } else if ("resolved".equals(alert.path("status").asText())) {
                resolved.putIfAbsent(name, alert);
            }
        }
        resolved.keySet().removeAll(firing.keySet());
        ObjectNode answer = JSON.createObjectNode();
        var updated = answer.putArray("updated");
        var unknown = answer.putArray("unknown");
        apply(firing, AlarmState.ALARM, payload, updated, unknown);
        apply(resolved, AlarmState.OK, payload, updated, unknown);
        answer.put("withoutLabel", unnamed);
        return new Answer(200, answer.toString());
    }

    private void apply(Map<String, JsonNode> alerts, String state, JsonNode payload, com.fasterxml.jackson.databind.node.ArrayNode updated,
                       com.fasterxml.jackson.databind.node.ArrayNode unknown) {
        alerts.forEach((name, alert) -> {
            String summary = alert.path("annotations").path("summary").asText(alert.path("annotations").path("description").asText(""));
            String reason = "Alertmanager: " + name + " " + alert.path("status").asText() + (summary.isEmpty() ? "" : ": " + summary);
            ObjectNode data = JSON.createObjectNode();
            data.put("version", "1.0");
            data.put("source", "alertmanager");
            data.put("receiver", payload.path("receiver").asText(""));
            data.put("groupKey", payload.path("groupKey").asText(""));
            data.set("labels", alert.path("labels"));
            data.put("startsAt", alert.path("startsAt").asText(""));
            data.put("endsAt", alert.path("endsAt").asText(""));
            data.put("generatorURL", alert.path("generatorURL").asText(""));
            if (alarms.setState(name, state, reason.length() > 1023 ? reason.substring(0, 1023) : reason, data.toString())) {
                updated.addObject().put("alarmName", name).put("stateValue", state);
            } else {
                LOG.info("Alertmanager notification for {}: no alarm of that name", name);
                unknown.add(name);
            }
        });
    }

    private static Answer message(int status, String message) {
        return new Answer(status, JSON.createObjectNode().put("message", message).toString());
    }
}
