package dev.conveyor.providers.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.time.Duration;
import java.util.List;

/**
 * {@code Deploy/AWS/CodeDeploy}: deploys the input artifact (a zip with appspec.yml at its root) with the server's
 * CodeDeploy, to the deployment group {@code DeploymentGroupName} of {@code ApplicationName}, and follows the
 * deployment to its end. The server does the work (see its JobRequestHandler for this type): the provider asks it to
 * create the deployment (once per job, even when the job is handed out again) and then for its status, logging every
 * change. The action succeeds or fails with the deployment; its external execution id is the deployment id.
 */
public final class CodeDeployProvider implements ActionProvider {
    public static final ActionTypeId TYPE = new ActionTypeId("Deploy", "AWS", "CodeDeploy", "1");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);

    @Override
    public ActionTypeId actionTypeId() {
        return TYPE;
    }

    @Override
    public JobOutcome run(ActionJob job) throws InterruptedException {
        var config = job.configuration();
        String application = config.get("ApplicationName");
        String group = config.get("DeploymentGroupName");
        if (application == null || group == null) {
            return new JobOutcome.Failure("ConfigurationError", "The CodeDeploy action needs ApplicationName and DeploymentGroupName", null);
        }
        List<ActionJob.Input> inputs = job.inputs();
        if (inputs.size() != 1) {
            return new JobOutcome.Failure("ConfigurationError", "The CodeDeploy action takes exactly one input artifact (the revision)", null);
        }
        ActionJob.Input input = inputs.get(0);
        ObjectNode create = JSON.createObjectNode().put("request", "CreateDeployment").put("applicationName", application)
                .put("deploymentGroupName", group).put("bucket", input.location().bucket()).put("key", input.location().key());
        JsonNode created = job.request(create);
        if (created.has("error")) {
            return new JobOutcome.Failure("JobFailed", created.path("error").asText(), null);
        }
        String id = created.path("deploymentId").asText();
        String url = created.path("url").asText(null);
        job.log().line("Deployment " + id + " of " + input.name() + " (s3://" + input.location().bucket() + "/" + input.location().key()
                + ") to " + application + "/" + group + (created.path("resumed").asBoolean() ? " (already created for this job)" : " created"));
        String last = "";
        while (true) {
            JsonNode status = job.request(JSON.createObjectNode().put("request", "GetDeployment").put("deploymentId", id));
            String now = status.path("status").asText() + " " + status.path("overview").asText();
            if (!now.equals(last)) {
                job.log().line("Deployment " + id + ": " + now);
                last = now;
            }
            switch (status.path("status").asText()) {
                case "Succeeded" -> {
                    return new JobOutcome.Success("Deployment " + id + " succeeded: " + status.path("overview").asText(), id, url, 100,
                            java.util.Map.of(), List.of(), null, null);
                }
                case "Failed", "Stopped" -> {
                    String rollback = status.path("rollbackDeploymentId").asText("");
                    return new JobOutcome.Failure("JobFailed", "Deployment " + id + " " + status.path("status").asText().toLowerCase() + ": "
                            + status.path("message").asText() + (rollback.isEmpty() ? "" : " (rolled back by deployment " + rollback + ")"), id, url);
                }
                default -> Thread.sleep(POLL);
            }
        }
    }
}
