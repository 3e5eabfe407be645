package dev.conveyor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.artifacts.ObjectArtifactStore;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.execution.ActionExecutionStatus;
import dev.conveyor.model.execution.JobStatus;
import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.ArtifactStore;
import dev.conveyor.model.pipeline.EnvironmentVariable;
import dev.conveyor.model.pipeline.InputArtifact;
import dev.conveyor.model.pipeline.OutputArtifact;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.JobRepository;
import dev.conveyor.store.execution.JobRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Starts one action of an execution: resolves its variables and input artifacts, records the action execution,
 * and either waits for a person (manual approval) or queues a job for a worker. An action whose variables cannot
 * be resolved is recorded as failed at once, naming the references, without reaching a worker.
 */
final class ActionLauncher {
    /** The configuration key of a CodeBuild action's build variables: a JSON array of {name, value, type}. */
    private static final String ENVIRONMENT_VARIABLES = "EnvironmentVariables";

    private final ExecutionRepository executions;
    private final JobRepository jobs;
    private final EngineConfig config;
    private final JobDataContributors contributors;

    ActionLauncher(ExecutionRepository executions, JobRepository jobs, EngineConfig config, JobDataContributors contributors) {
        this.executions = executions;
        this.jobs = jobs;
        this.config = config;
        this.contributors = contributors;
    }

    /** What earlier actions of the execution made visible: variables by namespace and artifacts by name. */
    record Visible(Map<String, Map<String, String>> namespaces, Map<String, S3Location> artifacts) {
    }

    /** The variables and artifacts visible to actions of the execution, from its succeeded actions. */
    static Visible visible(PipelineExecutionRow execution, PipelineDeclaration pipeline, List<ActionExecutionRow> rows) {
        Map<String, Map<String, String>> namespaces = new HashMap<>();
        namespaces.put("codepipeline", Map.of("PipelineExecutionId", execution.id(), "PipelineName", execution.pipelineName(),
                "PipelineVersion", Integer.toString(execution.pipelineVersion())));
        Map<String, String> pipelineVariables = new LinkedHashMap<>();
        for (JsonNode v : ActionJson.read("{\"v\":" + execution.variablesJson() + "}").path("v")) {
            pipelineVariables.put(v.path("name").asText(), v.path("resolvedValue").asText());
        }
        namespaces.put("variables", pipelineVariables);
        Map<String, S3Location> artifacts = new HashMap<>();
        Map<String, String> namespaceOfAction = new HashMap<>();
        for (StageDeclaration stage : pipeline.stagesOrEmpty()) {
            for (ActionDeclaration action : stage.actionsOrEmpty()) {
                if (action.namespace() != null) {
                    namespaceOfAction.put(stage.name() + "\n" + action.name(), action.namespace());
                }
            }
        }
        for (ActionExecutionRow row : rows) { // oldest first: a retried action's newer outputs win
            if (row.status() != ActionExecutionStatus.Succeeded) {
                continue;
            }
            artifacts.putAll(ActionJson.outputArtifacts(row.outputJson()));
            String namespace = namespaceOfAction.get(row.stageName() + "\n" + row.actionName());
            if (namespace != null) {
                namespaces.put(namespace, ActionJson.outputVariables(row.outputJson()));
            }
        }
        return new Visible(namespaces, artifacts);
    }

    /** Starts {@code action}; returns the recorded action execution (InProgress, or Failed when unresolvable). */
    ActionExecutionRow launch(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, StageDeclaration stage,
                              int stageAttempt, ActionDeclaration action, Visible visible) throws SQLException {
        VariableResolver resolver = new VariableResolver(visible.namespaces());
        Set<String> unresolved = VariableResolver.collector();
        Set<String> problems = new LinkedHashSet<>();
        Map<String, String> resolvedConfiguration = resolver.resolveAll(action.configurationOrEmpty(), unresolved);
        String buildVariables = action.configurationOrEmpty().get(ENVIRONMENT_VARIABLES);
        if (buildVariables != null) {
            resolvedConfiguration.put(ENVIRONMENT_VARIABLES, EnvironmentVariablesJson.resolve(buildVariables, resolver, unresolved, problems));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        if (action.environmentVariables() != null) {
            for (EnvironmentVariable v : action.environmentVariables()) {
                VariableResolver.Resolution r = resolver.resolve(v.value());
                unresolved.addAll(r.unresolved());
                if (r.value() != null && r.value().indexOf('\0') >= 0) {
                    problems.add("Environment variable " + v.name() + " (" + v.value() + ") contains a NUL character, which cannot be passed to a command");
                }
                environment.put(v.name(), r.value());
            }
        }
        // Commands never get values pasted in: references become expansions of variables that carry the values.
        ShellCommandResolver.Resolution shell = new ShellCommandResolver(resolver)
                .resolve(action.commands() == null ? List.of() : action.commands());
        unresolved.addAll(shell.unresolved());
        problems.addAll(shell.problems());
        List<String> commands = shell.commands();
        environment.putAll(shell.environment());

        ObjectNode input = ActionJson.object();
        input.set("actionTypeId", ActionJson.actionTypeId(action.actionTypeId()));
        input.set("configuration", ActionJson.stringMap(action.configurationOrEmpty()));
        input.set("resolvedConfiguration", ActionJson.stringMap(resolvedConfiguration));
        if (action.roleArn() != null) {
            input.put("roleArn", action.roleArn());
        }
        input.put("region", action.region() == null ? config.region() : action.region());
        ArrayNode inputArtifacts = input.putArray("inputArtifacts");
        String missingArtifact = null;
        for (InputArtifact in : action.inputArtifactsOrEmpty()) {
            S3Location location = visible.artifacts().get(in.name());
            if (location == null && missingArtifact == null) {
                missingArtifact = in.name();
            }
            inputArtifacts.add(ActionJson.artifactDetail(in.name(), location));
        }
        if (action.namespace() != null) {
            input.put("namespace", action.namespace());
        }

        String id = UUID.randomUUID().toString();
        Duration timeout = BuiltInActionTypes.MANUAL_APPROVAL.equals(action.actionTypeId()) && action.timeoutInMinutes() == null
                ? config.approvalTimeout() : config.timeouts().timeoutOf(action);
        String failure = null;
        if (!unresolved.isEmpty()) {
            failure = "Unable to resolve variable " + String.join(", ", unresolved) + " in action '" + action.name()
                    + "': no such variable is available to this action.";
        } else if (!problems.isEmpty()) {
            failure = String.join("; ", problems) + " (action '" + action.name() + "').";
        } else if (missingArtifact != null) {
            failure = "Input artifact '" + missingArtifact + "' of action '" + action.name() + "' was not produced by this execution.";
        }
        if (failure != null) {
            ActionExecutionRow failed = new ActionExecutionRow(id, execution.id(), execution.pipelineName(), execution.pipelineVersion(),
                    stage.name(), action.name(), stageAttempt, action.effectiveRunOrder(), ActionExecutionStatus.Failed,
                    ActionJson.write(input), failedOutput("JobFailed", failure), failure, "JobFailed", failure, null, null, null, null,
                    null, null, tx.now, tx.now);
            executions.insert(tx.connection, failed);
            tx.changed(execution.pipelineName(), execution.id());
            return failed;
        }

        boolean approval = BuiltInActionTypes.MANUAL_APPROVAL.equals(action.actionTypeId());
        ActionExecutionRow row = new ActionExecutionRow(id, execution.id(), execution.pipelineName(), execution.pipelineVersion(),
                stage.name(), action.name(), stageAttempt, action.effectiveRunOrder(), ActionExecutionStatus.InProgress,
                ActionJson.write(input), null, null, null, null, null, null, null,
                approval ? UUID.randomUUID().toString() : null, null, tx.now.plus(timeout), tx.now, tx.now);
        executions.insert(tx.connection, row);
        if (!approval) {
            queueJob(tx, execution, pipeline, stage, action, row, resolvedConfiguration, commands, environment, visible, timeout, null);
        }
        tx.changed(execution.pipelineName(), execution.id());
        return row;
    }

    /** Queues a job for an action execution (again, with a continuation token, when a worker asked to continue). */
    void queueJob(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, StageDeclaration stage,
                  ActionDeclaration action, ActionExecutionRow row, Map<String, String> resolvedConfiguration,
                  List<String> commands, Map<String, String> environment, Visible visible, Duration timeout,
                  String continuationToken) throws SQLException {
        ArtifactStore store = artifactStoreFor(pipeline, action);
        ObjectNode jobData = ActionJson.object();
        jobData.set("actionTypeId", ActionJson.actionTypeId(action.actionTypeId()));
        jobData.putObject("actionConfiguration").set("configuration", ActionJson.stringMap(resolvedConfiguration));
        ObjectNode context = jobData.putObject("pipelineContext");
        context.put("pipelineName", execution.pipelineName());
        context.putObject("stage").put("name", stage.name());
        context.putObject("action").put("name", action.name()).put("actionExecutionId", row.id());
        context.put("pipelineArn", config.pipelineArn(execution.pipelineName()));
        context.put("pipelineExecutionId", execution.id());
        ArrayNode inputs = jobData.putArray("inputArtifacts");
        for (InputArtifact in : action.inputArtifactsOrEmpty()) {
            S3Location location = visible.artifacts().get(in.name());
            inputs.add(jobArtifact(in.name(), location.bucket(), location.key()));
        }
        ArrayNode outputs = jobData.putArray("outputArtifacts");
        ObjectNode outputFiles = ActionJson.object();
        for (OutputArtifact out : action.outputArtifactsOrEmpty()) {
            outputs.add(jobArtifact(out.name(), store.location(), ObjectArtifactStore.keyFor(execution.pipelineName(), out.name())));
            if (out.files() != null) {
                ArrayNode files = outputFiles.putArray(out.name());
                out.files().forEach(files::add);
            }
        }
        if (continuationToken != null) {
            jobData.put("continuationToken", continuationToken);
        }
        if (store.encryptionKey() != null) {
            jobData.putObject("encryptionKey").put("id", store.encryptionKey().id()).put("type", store.encryptionKey().type());
        }

        // The envelope: the API's JobData plus what built-in providers need beyond it.
        ObjectNode data = ActionJson.object();
        data.set("jobData", jobData);
        ArrayNode commandList = data.putArray("commands");
        commands.forEach(commandList::add);
        if (action.outputVariables() != null) {
            ArrayNode names = data.putArray("outputVariables");
            action.outputVariables().forEach(names::add);
        }
        data.set("environmentVariables", ActionJson.stringMap(environment));
        data.set("outputArtifactFiles", outputFiles);
        data.put("timeoutSeconds", timeout.toSeconds());
        data.put("artifactBucket", store.location());
        if (action.namespace() != null) {
            data.put("namespace", action.namespace());
        }
        JsonNode overrides = execution.sourceRevisionsJson() == null ? null : ActionJson.read("{\"v\":" + execution.sourceRevisionsJson() + "}").path("v");
        if (overrides != null) {
            for (JsonNode o : overrides) {
                if (action.name().equals(o.path("actionName").asText())) {
                    data.set("sourceRevision", o);
                }
            }
        }
        contributors.apply(action.actionTypeId(), execution.pipelineName(), action.name(), resolvedConfiguration, data);
        JobRow job = new JobRow(UUID.randomUUID().toString(), row.id(), execution.id(), action.actionTypeId(),
                JobStatus.Queued, ActionJson.write(data), null, null, 0, null, tx.now, tx.now);
        jobs.insert(tx.connection, job);
        tx.queued(job);
    }

    static ObjectNode jobArtifact(String name, String bucket, String key) {
        ObjectNode node = ActionJson.object().put("name", name);
        node.putObject("location").put("type", "S3").putObject("s3Location").put("bucketName", bucket).put("objectKey", key);
        return node;
    }

    /** The artifact store an action's artifacts go to: the pipeline's, or the one of the action's region. */
    ArtifactStore artifactStoreFor(PipelineDeclaration pipeline, ActionDeclaration action) {
        return artifactStoreIn(pipeline, action.region() == null ? config.region() : action.region());
    }

    /** The artifact store of a pipeline for work in {@code region}: the pipeline's only one, or that region's. */
    static ArtifactStore artifactStoreIn(PipelineDeclaration pipeline, String region) {
        if (pipeline.artifactStore() != null) {
            return pipeline.artifactStore();
        }
        ArtifactStore store = pipeline.artifactStores().get(region);
        return store != null ? store : pipeline.artifactStores().values().iterator().next();
    }

    static String failedOutput(String code, String message) {
        ObjectNode output = ActionJson.object();
        output.putObject("executionResult").putObject("errorDetails").put("code", code).put("message", message);
        return ActionJson.write(output);
    }
}
