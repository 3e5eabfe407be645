package dev.conveyor.server.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.triggers.GitEvent;
import dev.conveyor.server.triggers.SourceAction;
import dev.conveyor.server.triggers.SourceTriggers;
import dev.conveyor.store.source.WebhookRepository;
import dev.conveyor.store.source.WebhookRow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/<token>}: a forge's delivery to a webhook. It is authenticated (a bad signature or a
 * sender outside the allowed range is refused with 403 and logged), its body (JSON, or GitHub's form encoding
 * with a {@code payload} field) is checked against the webhook's filters, and a delivery that passes starts the
 * target pipeline. Answers 200 with {@code {"started": true, "pipelineExecutionId": …}}, or
 * {@code {"started": false, "reason": …}} when the filters leave the delivery out.
 */
public final class WebhookEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpoint.class);
    private static final int MAX_BODY_BYTES = 25 * 1024 * 1024; // GitHub's own cap on payloads

    private final WebhookRepository webhooks;
    private final SourceTriggers triggers;
    private final Clock clock;

    public WebhookEndpoint(WebhookRepository webhooks, SourceTriggers triggers, Clock clock) {
        this.webhooks = webhooks;
        this.triggers = triggers;
        this.clock = clock;
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String token = request.getRequestURI().substring(WebhookOperations.URL_PATH.length());
        Optional<WebhookRow> found = token.isEmpty() || token.contains("/") ? Optional.empty() : webhooks.findByUrlToken(token);
        if (found.isEmpty()) {
            write(response, 404, message("No webhook is served at " + request.getRequestURI()));
            return;
        }
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            write(response, 405, message("Webhooks take POST deliveries"));
            return;
        }
        WebhookRow webhook = found.get();
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            write(response, 413, message("The delivery is larger than " + MAX_BODY_BYTES + " bytes"));
            return;
        }
        JsonNode definition = ConveyorJson.read(webhook.definitionJson(), JsonNode.class);
        JsonNode auth = definition.path("authenticationConfiguration");
        String refusal = WebhookAuthentication.refusal(definition.path("authentication").asText(), auth.path("SecretToken").asText(null),
                auth.path("AllowedIPRange").asText(null), request::getHeader, body, request.getRemoteAddr());
        if (refusal != null) {
            LOG.warn("webhook {} refused a delivery from {}: {}", webhook.name(), request.getRemoteAddr(), refusal);
            write(response, 403, message("The delivery was refused: " + refusal));
            return;
        }
        JsonNode payload;
        try {
            payload = parse(request.getContentType(), body);
        } catch (JsonProcessingException e) {
            write(response, 400, message("The delivery's body is not JSON: " + e.getOriginalMessage()));
            return;
        }
        Optional<SourceAction> target = triggers.index().of(webhook.pipelineName()).stream()
                .filter(a -> a.name().equals(webhook.actionName())).findFirst();
        if (target.isEmpty()) {
            String why = "Pipeline " + webhook.pipelineName() + " has no source action " + webhook.actionName();
            webhooks.recordDelivery(webhook.name(), null, "TargetNotFound", why);
            write(response, 404, message(why));
            return;
        }
        List<WebhookFilters.Rule> rules = new ArrayList<>();
        definition.path("filters").forEach(f -> rules.add(new WebhookFilters.Rule(f.path("jsonPath").asText(), f.path("matchEquals").asText(null))));
        String failed = WebhookFilters.failedRule(rules, payload, target.get().action().configurationOrEmpty());
        if (failed != null) {
            write(response, 200, ignored("the filter " + failed));
            return;
        }
        GitEvent event = WebhookPayloads.parse(request::getHeader, payload);
        String executionId;
        try {
            executionId = triggers.webhookEvent(webhook.arn(), target.get(), event);
        } catch (ServiceException e) {
            webhooks.recordDelivery(webhook.name(), null, e.errorType(), e.getMessage());
            write(response, 409, message("The pipeline could not start: " + e.getMessage()));
            return;
        }
        if (executionId == null) {
            write(response, 200, ignored("the event does not match the trigger of action " + webhook.actionName()));
            return;
        }
        webhooks.recordDelivery(webhook.name(), clock.instant(), null, null);
        ObjectNode out = ConveyorJson.mapper().createObjectNode().put("started", true).put("pipelineExecutionId", executionId);
        write(response, 200, out);
    }

    private static JsonNode parse(String contentType, byte[] body) throws JsonProcessingException {
        String text = new String(body, StandardCharsets.UTF_8);
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            for (String pair : text.split("&")) {
                if (pair.startsWith("payload=")) {
                    text = URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        JsonNode node = ConveyorJson.mapper().readTree(text.isBlank() ? "{}" : text);
        return node == null ? ConveyorJson.mapper().createObjectNode() : node;
    }

    private static ObjectNode ignored(String reason) {
        return ConveyorJson.mapper().createObjectNode().put("started", false).put("reason", "Not started: " + reason);
    }

    private static ObjectNode message(String text) {
        return ConveyorJson.mapper().createObjectNode().put("message", text);
    }

    private static void write(HttpServletResponse response, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
