package dev.conveyor.events.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.events.outbox.CodeDeployEvents;
import dev.conveyor.events.outbox.CodePipelineEvents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CodeStar Notifications' event types for pipelines (CodePipeline) and applications (CodeDeploy): id → name, the
 * service and resource type of each, and the ids an event is an instance of.
 */
public final class EventTypes {
    /** Every event type id CodeStar Notifications lists here, with its name. */
    public static final Map<String, String> ALL = new LinkedHashMap<>();

    static {
        for (String s : List.of("succeeded", "failed", "canceled", "started")) {
            ALL.put("codepipeline-pipeline-action-execution-" + s, "Action execution: " + cap(s));
        }
        for (String s : List.of("started", "succeeded", "resumed", "canceled", "failed")) {
            ALL.put("codepipeline-pipeline-stage-execution-" + s, "Stage execution: " + cap(s));
        }
        for (String s : List.of("failed", "canceled", "started", "resumed", "succeeded", "superseded")) {
            ALL.put("codepipeline-pipeline-pipeline-execution-" + s, "Pipeline execution: " + cap(s));
        }
        ALL.put("codepipeline-pipeline-manual-approval-failed", "Manual approval: Failed");
        ALL.put("codepipeline-pipeline-manual-approval-needed", "Manual approval: Needed");
        ALL.put("codepipeline-pipeline-manual-approval-succeeded", "Manual approval: Succeeded");
        for (String s : List.of("failed", "succeeded", "started")) {
            ALL.put("codedeploy-application-deployment-" + s, "Deployment: " + cap(s));
        }
    }

    /** The service an event type is of: CodePipeline or CodeDeploy. */
    public static String serviceOf(String id) {
        return id.startsWith("codedeploy-") ? "CodeDeploy" : "CodePipeline";
    }

    /** The resource type a rule with this event type is on: Pipeline, or Application for CodeDeploy's. */
    public static String resourceTypeOf(String id) {
        return id.startsWith("codedeploy-") ? "Application" : "Pipeline";
    }

    /** The resource type of a notification rule's resource ARN, or null when it is neither a pipeline nor an application. */
    public static String resourceTypeOfArn(String arn) {
        if (arn.startsWith("arn:aws:codepipeline:")) {
            return "Pipeline";
        }
        return arn.startsWith("arn:aws:codedeploy:") && arn.contains(":application:") ? "Application" : null;
    }

    private EventTypes() {
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * The event type ids an event is (an approval's action events are also manual-approval ones; a CodeDeploy
     * deployment's START, SUCCESS and FAILURE are its started, succeeded and failed).
     */
    public static List<String> of(JsonNode event) {
        List<String> ids = new ArrayList<>();
        if (CodeDeployEvents.SOURCE.equals(event.path("source").asText())
                && CodeDeployEvents.DEPLOYMENT_STATE_CHANGE.equals(event.path("detail-type").asText())) {
            String s = switch (event.path("detail").path("state").asText()) {
                case "START" -> "started";
                case "SUCCESS" -> "succeeded";
                case "FAILURE" -> "failed";
                default -> null;
            };
            if (s != null) {
                ids.add("codedeploy-application-deployment-" + s);
            }
            return ids;
        }
        if (!CodePipelineEvents.SOURCE.equals(event.path("source").asText())) {
            return ids;
        }
        String state = event.path("detail").path("state").asText().toLowerCase(java.util.Locale.ROOT);
        String kind = switch (event.path("detail-type").asText()) {
            case CodePipelineEvents.PIPELINE_STATE_CHANGE -> "pipeline-execution";
            case CodePipelineEvents.STAGE_STATE_CHANGE -> "stage-execution";
            case CodePipelineEvents.ACTION_STATE_CHANGE -> "action-execution";
            default -> null;
        };
        if (kind == null) {
            return ids;
        }
        String id = "codepipeline-pipeline-" + kind + "-" + ("abandoned".equals(state) ? "canceled" : state);
        if (ALL.containsKey(id)) {
            ids.add(id);
        }
        if (kind.equals("action-execution") && "Approval".equals(event.path("detail").path("type").path("category").asText())) {
            String approval = switch (state) {
                case "started" -> "needed";
                case "succeeded" -> "succeeded";
                case "failed" -> "failed";
                default -> null;
            };
            if (approval != null) {
                ids.add("codepipeline-pipeline-manual-approval-" + approval);
            }
        }
        return ids;
    }
}
