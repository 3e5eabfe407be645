package dev.conveyor.engine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.artifacts.ArtifactPlacement;
import dev.conveyor.artifacts.ArtifactStore;
import dev.conveyor.artifacts.ArtifactUse;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.artifacts.StoredArtifact;
import dev.conveyor.model.pipeline.EncryptionKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One job as a provider sees it: the resolved configuration and commands, input and output artifacts, a private
 * workspace directory (deleted after the job), a log, and the artifact store to read inputs from and write
 * outputs to. Built from the job's stored data, so it is the same on the embedded agent and a remote one.
 */
public final class ActionJob {
    /** An input artifact: its name and where it is stored. */
    public record Input(String name, S3Location location) {
    }

    private final String jobId;
    private final JsonNode data;
    private final java.util.function.Supplier<Path> makeWorkspace;
    private Path workspace;
    private final ActionLog log;
    private final ArtifactStore artifacts;
    private final UnaryOperator<JsonNode> requests;

    public ActionJob(String jobId, JsonNode data, Path workspace, ActionLog log, ArtifactStore artifacts) {
        this(jobId, data, workspace, log, artifacts, request -> {
            throw new UnsupportedOperationException("this job cannot send requests to the server");
        });
    }

    /** A job whose provider may ask the server about it through {@code requests} (see {@link #request}). */
    public ActionJob(String jobId, JsonNode data, Path workspace, ActionLog log, ArtifactStore artifacts,
                     UnaryOperator<JsonNode> requests) {
        this(jobId, data, () -> workspace, log, artifacts, requests);
    }

    /**
     * A job whose workspace is made by {@code makeWorkspace} when the provider first asks for it: many actions (an
     * approval, an invoke, a deployment's traffic shift, a custom worker's relay) never touch one, and making and
     * deleting a directory was a tenth of a no-op action's CPU (issue 20).
     */
    public ActionJob(String jobId, JsonNode data, java.util.function.Supplier<Path> makeWorkspace, ActionLog log, ArtifactStore artifacts,
                     UnaryOperator<JsonNode> requests) {
        this.requests = requests;
        this.jobId = jobId;
        this.data = data;
        this.makeWorkspace = makeWorkspace;
        this.log = log;
        this.artifacts = artifacts;
    }

    public String jobId() {
        return jobId;
    }

    private JsonNode jobData() {
        return data.path("jobData");
    }

    public String pipelineName() {
        return jobData().path("pipelineContext").path("pipelineName").asText();
    }

    public String pipelineExecutionId() {
        return jobData().path("pipelineContext").path("pipelineExecutionId").asText();
    }

    public String stageName() {
        return jobData().path("pipelineContext").path("stage").path("name").asText();
    }

    public String actionName() {
        return jobData().path("pipelineContext").path("action").path("name").asText();
    }

    public String actionExecutionId() {
        return jobData().path("pipelineContext").path("action").path("actionExecutionId").asText();
    }

    /** The action's configuration with every variable resolved. */
    public Map<String, String> configuration() {
        Map<String, String> result = new LinkedHashMap<>();
        jobData().path("actionConfiguration").path("configuration").properties()
                .forEach(e -> result.put(e.getKey(), e.getValue().asText()));
        return result;
    }

    /** The Commands action's commands, variables resolved. */
    public List<String> commands() {
        List<String> result = new ArrayList<>();
        data.path("commands").forEach(c -> result.add(c.asText()));
        return result;
    }

    /** Names of environment variables to export as output variables after the commands ran. */
    public List<String> outputVariableNames() {
        List<String> result = new ArrayList<>();
        data.path("outputVariables").forEach(c -> result.add(c.asText()));
        return result;
    }

    public Map<String, String> environmentVariables() {
        Map<String, String> result = new LinkedHashMap<>();
        data.path("environmentVariables").properties().forEach(e -> result.put(e.getKey(), e.getValue().asText()));
        return result;
    }

    public List<Input> inputs() {
        List<Input> result = new ArrayList<>();
        for (JsonNode a : jobData().path("inputArtifacts")) {
            JsonNode s3 = a.path("location").path("s3Location");
            result.add(new Input(a.path("name").asText(), new S3Location(s3.path("bucketName").asText(), s3.path("objectKey").asText(), null)));
        }
        return result;
    }

    /** The names of the output artifacts the action must produce, in declaration order. */
    public List<String> outputNames() {
        List<String> result = new ArrayList<>();
        jobData().path("outputArtifacts").forEach(a -> result.add(a.path("name").asText()));
        return result;
    }

    /** The file globs a Commands action's output artifact is limited to (empty: the whole workspace). */
    public List<String> outputFiles(String artifactName) {
        List<String> result = new ArrayList<>();
        data.path("outputArtifactFiles").path(artifactName).forEach(f -> result.add(f.asText()));
        return result;
    }

    /** A source revision override for this source action (revisionType → revisionValue), or null. */
    public JsonNode sourceRevisionOverride() {
        JsonNode override = data.path("sourceRevision");
        return override.isMissingNode() ? null : override;
    }

    /**
     * What the server added to this job for its provider when it was queued (the engine's JobDataContributor),
     * or a missing node.
     */
    public JsonNode contributedData() {
        return data.path("contributed");
    }

    public String continuationToken() {
        JsonNode token = jobData().path("continuationToken");
        return token.isMissingNode() ? null : token.asText();
    }

    public Duration timeout() {
        return Duration.ofSeconds(data.path("timeoutSeconds").asLong(3600));
    }

    /** The job's own directory, made on the first call. */
    public synchronized Path workspace() {
        if (workspace == null) {
            workspace = makeWorkspace.get();
        }
        return workspace;
    }

    /** The workspace if the provider asked for one, else null (nothing to delete). */
    public synchronized Path workspaceIfMade() {
        return workspace;
    }

    public ActionLog log() {
        return log;
    }

    /**
     * Records a process group the action started, so that if this agent's process dies the next one can kill the
     * group before the job runs again (no action runs twice at once).
     */
    public void registerProcessGroup(long pgid) {
        WorkspaceJanitor.recordProcessGroup(workspace(), pgid);
    }

    /**
     * Asks the server something about this job and returns the answer: the engine routes it to the server's
     * handler for this action type (its JobRequestHandler), whether this agent is embedded or remote.
     */
    public JsonNode request(JsonNode request) {
        return requests.apply(request);
    }

    /** Copies an input artifact's zip into {@code target}, recording that this action consumed it. */
    public void fetchInput(Input input, Path target) {
        artifacts.copyArtifact(input.location(), target);
        artifacts.recordConsumption(input.location(), use());
    }

    /** Stores a zip as one of the action's output artifacts. */
    public StoredArtifact storeOutput(String artifactName, Path zipFile) {
        JsonNode key = jobData().path("encryptionKey");
        EncryptionKey encryptionKey = key.isMissingNode() ? null : new EncryptionKey(key.path("id").asText(), key.path("type").asText());
        return artifacts.putArtifact(new ArtifactPlacement(data.path("artifactBucket").asText(), encryptionKey, pipelineName(),
                artifactName, pipelineExecutionId(), stageName(), actionName(), actionExecutionId()), zipFile);
    }

    private ArtifactUse use() {
        return new ArtifactUse(pipelineName(), pipelineExecutionId(), stageName(), actionName(), actionExecutionId());
    }
}
