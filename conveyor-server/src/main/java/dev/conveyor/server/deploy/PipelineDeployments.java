package dev.conveyor.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.deploy.DeployServices;
import dev.conveyor.deploy.store.DeployRepository;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.engine.JobRequestHandler;
import dev.conveyor.model.errors.ActionExecutionNotFoundException;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.JobRow;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Deployments in pipelines: what the {@code Deploy/AWS/CodeDeploy} provider asks the server (create the job's
 * deployment, once; its status), and CodePipeline's ListDeployActionExecutionTargets, which answers with the
 * targets and lifecycle events of the deployment an action execution ran.
 */
public final class PipelineDeployments implements JobRequestHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DeployServices services;
    private final ExecutionQueries queries;
    private final Supplier<String> endpoint;

    public PipelineDeployments(DeployServices services, ExecutionQueries queries, Supplier<String> endpoint) {
        this.services = services;
        this.queries = queries;
        this.endpoint = endpoint;
    }

    private Function<JsonNode, JsonNode> op(String name) {
        return services.codeDeployOperations().get(name);
    }

    private String url(String deploymentId) {
        return endpoint.get() + DeployEndpoint.DEPLOYMENTS_PREFIX + deploymentId;
    }

    @Override
    public JsonNode handle(JobRow job, JsonNode request) {
        try {
            return switch (request.path("request").asText()) {
                case "CreateDeployment" -> create(job, request);
                case "GetDeployment" -> status(request.path("deploymentId").asText());
                default -> JSON.createObjectNode().put("error", "unknown request " + request.path("request").asText());
            };
        } catch (ServiceException e) {
            return JSON.createObjectNode().put("error", e.errorType() + ": " + e.getMessage());
        }
    }

    private JsonNode create(JobRow job, JsonNode request) {
        String application = request.path("applicationName").asText();
        String group = request.path("deploymentGroupName").asText();
        String description = "CodePipeline job " + job.id();
        DeployRepository repo = services.deployments().repository();
        if (repo.group(application, group).isPresent()) {
            for (DeployRepository.DeploymentRow d : repo.deployments(application, group, null)) {
                if (description.equals(d.document().path("description").asText())) {
                    return JSON.createObjectNode().put("deploymentId", d.id()).put("url", url(d.id())).put("resumed", true);
                }
            }
        }
        ObjectNode input = JSON.createObjectNode().put("applicationName", application).put("deploymentGroupName", group)
                .put("description", description);
        input.putObject("revision").put("revisionType", "S3").putObject("s3Location").put("bucket", request.path("bucket").asText())
                .put("key", request.path("key").asText()).put("bundleType", "zip");
        String id = op("CreateDeployment").apply(input).path("deploymentId").asText();
        return JSON.createObjectNode().put("deploymentId", id).put("url", url(id));
    }

    private JsonNode status(String id) {
        JsonNode info = op("GetDeployment").apply(JSON.createObjectNode().put("deploymentId", id)).path("deploymentInfo");
        JsonNode o = info.path("deploymentOverview");
        ObjectNode out = JSON.createObjectNode().put("status", info.path("status").asText())
                .put("overview", o.path("Succeeded").asInt() + " succeeded, " + o.path("Failed").asInt() + " failed, "
                        + o.path("InProgress").asInt() + " in progress, " + o.path("Pending").asInt() + " pending, "
                        + o.path("Skipped").asInt() + " skipped")
                .put("message", info.path("errorInformation").path("message").asText(""));
        String rollback = info.path("rollbackInfo").path("rollbackDeploymentId").asText("");
        if (!rollback.isEmpty()) {
            out.put("rollbackDeploymentId", rollback);
        }
        return out;
    }

    /** CodePipeline's ListDeployActionExecutionTargets over the deployment an action execution ran. */
    public JsonOperation listDeployActionExecutionTargets() {
        return (input, context) -> {
            String actionExecutionId = input.path("actionExecutionId").asText();
            if (input.hasNonNull("pipelineName")) {
                queries.requirePipeline(input.path("pipelineName").asText());
            }
            ActionExecutionRow action = queries.action(actionExecutionId);
            if (action == null || (input.hasNonNull("pipelineName") && !action.pipelineName().equals(input.path("pipelineName").asText()))) {
                throw new ActionExecutionNotFoundException("No action execution " + actionExecutionId, "actionExecutionId");
            }
            ObjectNode out = JSON.createObjectNode();
            ArrayNode targets = out.putArray("targets");
            String deploymentId = action.externalExecutionId();
            if (deploymentId == null || services.deployments().repository().deployment(deploymentId).isEmpty()) {
                return out; // not a CodeDeploy action, or its deployment is not created yet
            }
            java.util.Set<String> statuses = new java.util.HashSet<>();
            for (JsonNode f : input.path("filters")) {
                if ("TARGET_STATUS".equals(f.path("name").asText())) {
                    f.path("values").forEach(v -> statuses.add(v.asText()));
                }
            }
            for (DeployRepository.TargetRow t : services.deployments().repository().targets(deploymentId)) {
                if (!statuses.isEmpty() && !statuses.contains(t.status())) {
                    continue;
                }
                ObjectNode target = targets.addObject().put("targetId", t.instance()).put("targetType", "OnPremisesInstance").put("status", t.status());
                ArrayNode events = target.putArray("events");
                Double start = null;
                Double end = null;
                for (JsonNode e : t.events()) {
                    ObjectNode event = events.addObject().put("name", e.path("lifecycleEventName").asText()).put("status", e.path("status").asText());
                    if (e.has("startTime")) {
                        event.set("startTime", e.get("startTime"));
                        start = start == null ? e.get("startTime").asDouble() : Math.min(start, e.get("startTime").asDouble());
                    }
                    if (e.has("endTime")) {
                        event.set("endTime", e.get("endTime"));
                        end = end == null ? e.get("endTime").asDouble() : Math.max(end, e.get("endTime").asDouble());
                    }
                    if (e.has("diagnostics")) {
                        event.putObject("context").put("message", e.at("/diagnostics/message").asText(""));
                    }
                }
                if (start != null) {
                    target.put("startTime", start);
                }
                if (end != null && java.util.List.of("Succeeded", "Failed", "Skipped").contains(t.status())) {
                    target.put("endTime", end);
                }
            }
            return out;
        };
    }
}
