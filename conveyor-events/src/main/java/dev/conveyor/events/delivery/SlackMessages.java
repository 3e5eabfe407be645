package dev.conveyor.events.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.events.Json;
import dev.conveyor.events.outbox.CodeDeployEvents;
import dev.conveyor.events.outbox.CodePipelineEvents;

/**
 * A Slack incoming-webhook message (Block Kit) for a CodePipeline event (pipeline, stage, action, status and a link)
 * or a CodeDeploy deployment's (application, group, status, deployment).
 */
public final class SlackMessages {
    private SlackMessages() {
    }

    public static ObjectNode blocks(JsonNode event, String publicUrl) {
        if (CodeDeployEvents.SOURCE.equals(event.path("source").asText())) {
            return deployment(event);
        }
        JsonNode d = event.path("detail");
        String pipeline = d.path("pipeline").asText();
        String state = d.path("state").asText();
        String what = switch (event.path("detail-type").asText()) {
            case CodePipelineEvents.STAGE_STATE_CHANGE -> "Stage *" + d.path("stage").asText() + "*";
            case CodePipelineEvents.ACTION_STATE_CHANGE -> "Action *" + d.path("stage").asText() + " / " + d.path("action").asText() + "*";
            default -> "Execution";
        };
        String emoji = switch (state) {
            case "SUCCEEDED" -> ":white_check_mark:";
            case "FAILED" -> ":x:";
            case "STARTED", "RESUMED" -> ":arrow_forward:";
            default -> ":information_source:";
        };
        String text = emoji + " " + pipeline + ": " + what.replace("*", "") + " " + state;
        ObjectNode message = Json.object();
        message.put("text", text);
        ArrayNode blocks = message.putArray("blocks");
        blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("text", pipeline + " " + state);
        ObjectNode section = blocks.addObject().put("type", "section");
        ArrayNode fields = section.putArray("fields");
        fields.addObject().put("type", "mrkdwn").put("text", "*Pipeline*\n" + pipeline);
        fields.addObject().put("type", "mrkdwn").put("text", "*Status*\n" + state);
        if (d.has("stage")) {
            fields.addObject().put("type", "mrkdwn").put("text", "*Stage*\n" + d.path("stage").asText());
        }
        if (d.has("action")) {
            fields.addObject().put("type", "mrkdwn").put("text", "*Action*\n" + d.path("action").asText());
        }
        fields.addObject().put("type", "mrkdwn").put("text", "*Execution*\n" + d.path("execution-id").asText());
        String summary = d.path("execution-result").path("external-execution-summary").asText(null);
        if (summary != null) {
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", summary);
        }
        String link = publicUrl + "/console/pipelines/" + pipeline + "/executions/" + d.path("execution-id").asText();
        ObjectNode actions = blocks.addObject().put("type", "actions");
        ObjectNode button = actions.putArray("elements").addObject().put("type", "button").put("url", link);
        button.putObject("text").put("type", "plain_text").put("text", "View execution");
        return message;
    }

    /** A CodeDeploy deployment's message: application, deployment group, state and deployment id. */
    private static ObjectNode deployment(JsonNode event) {
        JsonNode d = event.path("detail");
        String state = d.path("state").asText();
        String emoji = switch (state) {
            case "SUCCESS" -> ":white_check_mark:";
            case "FAILURE" -> ":x:";
            case "START" -> ":arrow_forward:";
            default -> ":information_source:";
        };
        String title = d.path("application").asText() + "/" + d.path("deploymentGroup").asText();
        ObjectNode message = Json.object();
        message.put("text", emoji + " " + title + ": deployment " + d.path("deploymentId").asText() + " " + state);
        ArrayNode blocks = message.putArray("blocks");
        blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("text", title + " " + state);
        ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
        fields.addObject().put("type", "mrkdwn").put("text", "*Application*\n" + d.path("application").asText());
        fields.addObject().put("type", "mrkdwn").put("text", "*Deployment group*\n" + d.path("deploymentGroup").asText());
        fields.addObject().put("type", "mrkdwn").put("text", "*Status*\n" + state);
        fields.addObject().put("type", "mrkdwn").put("text", "*Deployment*\n" + d.path("deploymentId").asText());
        return message;
    }
}
