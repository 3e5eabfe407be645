package dev.conveyor.events.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.events.Json;
import dev.conveyor.store.execution.ActionExecutionRow;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * The message a manual approval publishes to its {@code NotificationArn}: CodePipeline's JSON ({@code region},
 * {@code consoleLink}, {@code approval} with the token, expiry, links and custom data) for HTTP and {@code email-json}
 * subscribers, and a readable text for {@code email} ones. {@code approvalReviewLink} is Conveyor's approval page,
 * which approves or rejects with the token it carries (see docs/notifications.md).
 */
public final class ApprovalMessages {
    /** The path of the approval pages: {@code PREFIX/<pipeline>/<stage>/<action>/<token>}. */
    public static final String PREFIX = "/conveyor/v1/approvals/";
    private static final DateTimeFormatter EXPIRES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    private final String region;
    private final Supplier<String> publicUrl;

    public ApprovalMessages(String region, Supplier<String> publicUrl) {
        this.region = region;
        this.publicUrl = publicUrl;
    }

    /** A message for SNS: {@code body} is a JSON object of messages per protocol ({@code default}, {@code email}). */
    public record Message(String subject, String body) {
    }

    public static String reviewLink(String base, String pipeline, String stage, String action, String token) {
        return base + PREFIX + enc(pipeline) + "/" + enc(stage) + "/" + enc(action) + "/" + enc(token);
    }

    public Message message(ActionExecutionRow action, JsonNode configuration) {
        String base = publicUrl.get();
        String review = reviewLink(base, action.pipelineName(), action.stageName(), action.actionName(), action.token());
        ObjectNode json = Json.object();
        json.put("region", region);
        json.put("consoleLink", base + "/console/pipelines/" + enc(action.pipelineName()));
        ObjectNode approval = json.putObject("approval");
        approval.put("pipelineName", action.pipelineName());
        approval.put("stageName", action.stageName());
        approval.put("actionName", action.actionName());
        approval.put("token", action.token());
        approval.put("expires", action.deadlineAt() == null ? null : EXPIRES.format(action.deadlineAt()));
        approval.put("externalEntityLink", configuration.path("ExternalEntityLink").asText(null));
        approval.put("approvalReviewLink", review);
        approval.put("customData", configuration.path("CustomData").asText(null));
        String subject = "APPROVAL NEEDED: AWS CodePipeline " + action.pipelineName() + " for action " + action.actionName();
        StringBuilder text = new StringBuilder();
        text.append("Hello,\n\nThe following Approval action is waiting for your response:\n\n");
        text.append("--Pipeline Details--\n\nPipeline name: ").append(action.pipelineName()).append("\nStage name: ")
                .append(action.stageName()).append("\nAction name: ").append(action.actionName()).append("\nRegion: ").append(region);
        if (action.deadlineAt() != null) {
            text.append("\n\nThis action expires at ").append(EXPIRES.format(action.deadlineAt()));
        }
        if (configuration.hasNonNull("CustomData")) {
            text.append("\n\n--Approval Details--\n\nAdditional information: ").append(configuration.get("CustomData").asText());
        }
        if (configuration.hasNonNull("ExternalEntityLink")) {
            text.append("\n\nContent to review: ").append(configuration.get("ExternalEntityLink").asText());
        }
        text.append("\n\nApprove or reject: ").append(review).append('\n');
        ObjectNode structure = Json.object();
        structure.put("default", Json.write(json));
        structure.put("email", text.toString());
        return new Message(subject, Json.write(structure));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
