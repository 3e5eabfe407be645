package dev.conveyor.events.outbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.events.EventEnvelope;
import dev.conveyor.events.Json;
import dev.conveyor.store.outbox.DeploymentRecorder;
import java.time.Instant;
import java.util.List;

/**
 * CodeDeploy's events as EventBridge delivers them (CodeDeploy user guide, "Monitoring deployments with Amazon
 * EventBridge"): source {@code aws.codedeploy}, detail-types "CodeDeploy Deployment State-change Notification" and
 * "CodeDeploy Instance State-change Notification", {@code detail} with {@code instanceGroupId} (the deployment group's
 * id), {@code region}, {@code application}, {@code deploymentId}, {@code state} (START, SUCCESS, FAILURE, STOP,
 * READY), {@code deploymentGroup}, and {@code instanceId} for an instance. Resources: the application's and the
 * deployment group's ARNs (an instance's event first names the instance's).
 */
public final class CodeDeployEvents {
    public static final String SOURCE = "aws.codedeploy";
    public static final String DEPLOYMENT_STATE_CHANGE = "CodeDeploy Deployment State-change Notification";
    public static final String INSTANCE_STATE_CHANGE = "CodeDeploy Instance State-change Notification";

    private final String region;
    private final String accountId;
    private final EventEnvelope envelope;

    public CodeDeployEvents(String region, String accountId) {
        this.region = region;
        this.accountId = accountId;
        this.envelope = new EventEnvelope(region, accountId);
    }

    public String applicationArn(String application) {
        return "arn:aws:codedeploy:" + region + ":" + accountId + ":application:" + application;
    }

    public String deploymentGroupArn(String application, String group) {
        return "arn:aws:codedeploy:" + region + ":" + accountId + ":deploymentgroup:" + application + "/" + group;
    }

    /** An on-premises instance's ARN, as RegisterOnPremisesInstance names it. */
    public String instanceArn(String instance) {
        return "arn:aws:codedeploy:" + region + ":" + accountId + ":instance/" + instance;
    }

    /** The event state of a deployment's new status (a DeploymentStatus); null when it is not one CodeDeploy tells. */
    public static String deploymentState(String status) {
        return switch (status) {
            case "InProgress" -> "START";
            case "Succeeded" -> "SUCCESS";
            case "Failed" -> "FAILURE";
            case "Stopped" -> "STOP";
            case "Ready" -> "READY";
            default -> null; // Created, Queued, Baking
        };
    }

    /**
     * The event states an instance's change makes, in order (a TargetStatus): an instance that settles without having
     * been seen in progress (a traffic-only step) starts first; one skipped while in progress was stopped.
     */
    public static List<String> instanceStates(String previous, String status) {
        boolean started = previous != null && !"Pending".equals(previous) && !"Unknown".equals(previous);
        return switch (status) {
            case "InProgress" -> List.of("START");
            case "Succeeded" -> started ? List.of("SUCCESS") : List.of("START", "SUCCESS");
            case "Failed" -> started ? List.of("FAILURE") : List.of("START", "FAILURE");
            case "Ready" -> started ? List.of("READY") : List.of("START", "READY");
            case "Skipped" -> "InProgress".equals(previous) ? List.of("STOP") : List.of();
            default -> List.of(); // Pending, Unknown
        };
    }

    /** The whole event: envelope and detail. */
    public ObjectNode event(String id, DeploymentRecorder.Change change, String state, Instant time) {
        ObjectNode detail = Json.object();
        if (change.ofInstance()) {
            detail.put("instanceId", change.instanceId());
        }
        if (change.deploymentGroupId() != null) {
            detail.put("instanceGroupId", change.deploymentGroupId());
        }
        detail.put("region", region);
        detail.put("application", change.application());
        detail.put("deploymentId", change.deploymentId());
        detail.put("state", state);
        detail.put("deploymentGroup", change.deploymentGroup());
        List<String> resources = change.ofInstance()
                ? List.of(instanceArn(change.instanceId()), deploymentGroupArn(change.application(), change.deploymentGroup()),
                        applicationArn(change.application()))
                : List.of(applicationArn(change.application()), deploymentGroupArn(change.application(), change.deploymentGroup()));
        return envelope.around(detail, id, SOURCE, change.ofInstance() ? INSTANCE_STATE_CHANGE : DEPLOYMENT_STATE_CHANGE, time, resources);
    }
}
