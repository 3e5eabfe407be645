package dev.conveyor.server.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.artifacts.ArtifactPlacement;
import dev.conveyor.artifacts.ArtifactUse;
import dev.conveyor.artifacts.ObjectArtifactStore;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.agent.AgentLabels;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.errors.InvalidJobStateException;
import dev.conveyor.model.errors.JobNotFoundException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.model.pipeline.EncryptionKey;
import dev.conveyor.server.codepipeline.JobCredentialIssuer;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.store.JobCredentialRepository;
import dev.conveyor.store.execution.JobRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Conveyor's agent API ({@code ConveyorAgent_20251125}): remote agents take jobs of built-in providers from the
 * same queue as the embedded agent, hold them under a lease they renew, ship their logs line by line, and report
 * results with the artifacts they uploaded through the S3 endpoint with the job's credentials.
 */
public final class AgentOperations {
    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final ExecutionEngine engine;
    private final JobCredentialIssuer credentials;
    private final ObjectArtifactStore artifacts;
    private final Path logsDir;

    public AgentOperations(ExecutionEngine engine, JobCredentialIssuer credentials, ObjectArtifactStore artifacts, Path logsDir) {
        this.engine = engine;
        this.credentials = credentials;
        this.artifacts = artifacts;
        this.logsDir = logsDir;
    }

    public Map<String, JsonOperation> operations() {
        return Map.of(
                "PollForAgentJobs", this::poll,
                "AcknowledgeAgentJob", this::acknowledge,
                "RenewAgentJobLease", this::renew,
                "PutAgentJobResult", this::result,
                "ReleaseAgentJobs", this::release,
                "AppendActionLog", this::appendLog,
                "SendAgentJobRequest", this::request);
    }

    JsonNode poll(JsonNode input, RequestContext context) {
        String workerId = input.get("workerId").asText();
        List<ActionTypeId> types = new ArrayList<>();
        input.get("actionTypes").forEach(t -> types.add(new ActionTypeId(t.get("category").asText(), t.get("owner").asText(),
                t.get("provider").asText(), t.get("version").asText())));
        Set<String> labels = new java.util.HashSet<>();
        input.path("labels").forEach(l -> labels.add(l.asText()));
        int max = input.path("maxBatchSize").asInt(1);
        Instant until = Instant.now().plusSeconds(input.path("waitSeconds").asInt(10));
        List<JobRow> claimed;
        try {
            while (true) {
                long generation = engine.jobSignal().generation();
                claimed = engine.pollJobs(types, max, workerId, engine.config().leaseDuration(),
                        job -> AgentLabels.satisfies(labels, job.dataJson()));
                Duration left = Duration.between(Instant.now(), until);
                if (!claimed.isEmpty() || left.isNegative() || left.isZero()) {
                    break;
                }
                engine.jobSignal().awaitAfter(generation, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            claimed = List.of();
        }
        ObjectNode out = mapper.createObjectNode();
        ArrayNode jobs = out.putArray("jobs");
        for (JobRow job : claimed) {
            ObjectNode node = jobs.addObject();
            node.put("jobId", job.id());
            node.put("nonce", job.nonce());
            node.putObject("actionTypeId").put("category", job.actionTypeId().category()).put("owner", job.actionTypeId().owner())
                    .put("provider", job.actionTypeId().provider()).put("version", job.actionTypeId().version());
            node.put("data", job.dataJson());
            JobCredentialRepository.JobCredential credential = credentials.issue(job.id());
            node.putObject("artifactCredentials").put("accessKeyId", credential.accessKeyId())
                    .put("secretAccessKey", credential.secretAccessKey()).put("sessionToken", credential.sessionToken());
        }
        return out;
    }

    JsonNode acknowledge(JsonNode input, RequestContext context) {
        engine.acknowledgeJob(input.get("jobId").asText(), input.path("nonce").asText(), engine.config().leaseDuration());
        return null;
    }

    JsonNode renew(JsonNode input, RequestContext context) {
        boolean held = engine.renewLease(input.get("jobId").asText(), input.get("workerId").asText(), engine.config().leaseDuration());
        return mapper.createObjectNode().put("held", held);
    }

    JsonNode result(JsonNode input, RequestContext context) {
        String jobId = input.get("jobId").asText();
        JobRow job = heldBy(jobId, input.get("workerId").asText());
        JsonNode outcome = input.get("outcome");
        if (!outcome.get("succeeded").asBoolean()) {
            engine.completeJob(jobId, new JobOutcome.Failure(outcome.path("failureType").asText("JobFailed"),
                    outcome.path("failureMessage").asText("The job failed"), outcome.path("externalExecutionId").asText(null)));
            return null;
        }
        JsonNode jobData = read(job.dataJson()).path("jobData");
        recordInputs(jobData);
        List<JobOutcome.ProducedArtifact> produced = new ArrayList<>();
        for (JsonNode a : outcome.path("outputArtifacts")) {
            S3Location location = new S3Location(a.get("bucket").asText(), a.get("key").asText(), a.path("versionId").asText(null));
            produced.add(new JobOutcome.ProducedArtifact(a.get("name").asText(),
                    artifacts.registerArtifact(placement(jobData, a.get("name").asText(), location.bucket()), location).location()));
        }
        Map<String, String> variables = new LinkedHashMap<>();
        outcome.path("outputVariables").properties().forEach(e -> variables.put(e.getKey(), e.getValue().asText()));
        JobOutcome.CurrentRevision revision = null;
        if (outcome.has("currentRevision")) {
            JsonNode r = outcome.get("currentRevision");
            revision = new JobOutcome.CurrentRevision(r.path("revision").asText(), r.path("changeIdentifier").asText(null),
                    Instant.now(), r.path("revisionSummary").asText(null), r.path("revisionUrl").asText(null));
        }
        engine.completeJob(jobId, new JobOutcome.Success(outcome.path("summary").asText(null),
                outcome.path("externalExecutionId").asText(null), outcome.path("externalExecutionUrl").asText(null),
                outcome.has("percentComplete") ? outcome.get("percentComplete").asInt() : null, variables, produced, revision,
                outcome.path("continuationToken").asText(null)));
        return null;
    }

    /** Records that the job's action consumed its input artifacts (the audit trail a remote agent cannot write). */
    private void recordInputs(JsonNode jobData) {
        JsonNode context = jobData.path("pipelineContext");
        ArtifactUse use = new ArtifactUse(context.path("pipelineName").asText(), context.path("pipelineExecutionId").asText(),
                context.path("stage").path("name").asText(), context.path("action").path("name").asText(),
                context.path("action").path("actionExecutionId").asText());
        for (JsonNode in : jobData.path("inputArtifacts")) {
            JsonNode s3 = in.path("location").path("s3Location");
            artifacts.recordConsumption(new S3Location(s3.path("bucketName").asText(), s3.path("objectKey").asText(), null), use);
        }
    }

    private static ArtifactPlacement placement(JsonNode jobData, String artifactName, String bucket) {
        JsonNode context = jobData.path("pipelineContext");
        JsonNode key = jobData.path("encryptionKey");
        return new ArtifactPlacement(bucket, key.isMissingNode() ? null : new EncryptionKey(key.path("id").asText(), key.path("type").asText()),
                context.path("pipelineName").asText(), artifactName, context.path("pipelineExecutionId").asText(),
                context.path("stage").path("name").asText(), context.path("action").path("name").asText(),
                context.path("action").path("actionExecutionId").asText());
    }

    JsonNode release(JsonNode input, RequestContext context) {
        engine.releaseJobsOf(input.get("workerId").asText());
        return null;
    }

    JsonNode appendLog(JsonNode input, RequestContext context) {
        JobRow job = heldBy(input.get("jobId").asText(), input.get("workerId").asText());
        JsonNode action = read(job.dataJson()).path("jobData").path("pipelineContext");
        Path file = logsDir.resolve(job.pipelineExecutionId()).resolve(action.path("action").path("actionExecutionId").asText() + ".log");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, input.get("text").asText(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    /** A provider's request about its job (the engine routes it to the handler of the job's type), and the answer. */
    JsonNode request(JsonNode input, RequestContext context) {
        JsonNode answer = engine.jobRequest(input.get("jobId").asText(), input.get("workerId").asText(), read(input.get("request").asText()));
        return mapper.createObjectNode().put("response", answer.toString());
    }

    /** The job, if this worker holds it; a worker that lost the job (abandoned, re-offered) is told so. */
    private JobRow heldBy(String jobId, String workerId) {
        JobRow job = engine.findJob(jobId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId, "jobId"));
        if (!workerId.equals(job.workerId())) {
            throw new InvalidJobStateException("Job " + jobId + " is not held by worker " + workerId);
        }
        return job;
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
