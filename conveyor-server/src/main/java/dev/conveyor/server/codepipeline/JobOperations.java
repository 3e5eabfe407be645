package dev.conveyor.server.codepipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.artifacts.ArtifactPlacement;
import dev.conveyor.artifacts.ObjectArtifactStore;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.actiontype.ActionTypeRegistry;
import dev.conveyor.model.actiontype.ConfigurationProperty;
import dev.conveyor.model.errors.ActionTypeNotFoundException;
import dev.conveyor.model.errors.InvalidClientTokenException;
import dev.conveyor.model.errors.JobNotFoundException;
import dev.conveyor.model.errors.OutputVariablesSizeExceededException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.model.pipeline.EncryptionKey;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.store.JobCredentialRepository;
import dev.conveyor.store.execution.JobRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The job protocol of CodePipeline for job workers (PollForJobs, AcknowledgeJob, GetJobDetails,
 * PutJobSuccessResult, PutJobFailureResult) and its third-party family, over the engine's job queue. A poll waits
 * a little for work (long polling) instead of answering empty at once. Each job's data carries fresh temporary
 * artifact credentials that open only that job's artifacts on the server's S3 endpoint.
 */
public final class JobOperations {
    /** CodePipeline's limit on the size of a job's output variables. */
    static final int MAX_OUTPUT_VARIABLES_CHARS = 122_880;

    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final ExecutionEngine engine;
    private final ActionTypeRegistry actionTypes;
    private final JobCredentialIssuer credentials;
    private final ObjectArtifactStore artifacts;
    private final String accountId;
    private final Duration pollWait;

    public JobOperations(ExecutionEngine engine, ActionTypeRegistry actionTypes, JobCredentialIssuer credentials,
                         ObjectArtifactStore artifacts, String accountId, Duration pollWait) {
        this.engine = engine;
        this.actionTypes = actionTypes;
        this.credentials = credentials;
        this.artifacts = artifacts;
        this.accountId = accountId;
        this.pollWait = pollWait;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("PollForJobs", this::pollForJobs);
        ops.put("AcknowledgeJob", this::acknowledgeJob);
        ops.put("GetJobDetails", this::getJobDetails);
        ops.put("PutJobSuccessResult", (in, ctx) -> putSuccess(in, null));
        ops.put("PutJobFailureResult", (in, ctx) -> putFailure(in, null));
        ops.put("PollForThirdPartyJobs", this::pollForThirdPartyJobs);
        ops.put("AcknowledgeThirdPartyJob", this::acknowledgeThirdPartyJob);
        ops.put("GetThirdPartyJobDetails", this::getThirdPartyJobDetails);
        ops.put("PutThirdPartyJobSuccessResult", (in, ctx) -> putSuccess(in, in.get("clientToken").asText()));
        ops.put("PutThirdPartyJobFailureResult", (in, ctx) -> putFailure(in, in.get("clientToken").asText()));
        return ops;
    }

    JsonNode pollForJobs(JsonNode input, RequestContext context) {
        List<JobRow> claimed = poll(input, context.caller().arn(accountId));
        ObjectNode out = mapper.createObjectNode();
        ArrayNode jobs = out.putArray("jobs");
        for (JobRow job : claimed) {
            ObjectNode node = jobs.addObject();
            node.put("id", job.id());
            node.set("data", jobData(job));
            node.put("nonce", job.nonce());
            node.put("accountId", accountId);
        }
        return out;
    }

    JsonNode pollForThirdPartyJobs(JsonNode input, RequestContext context) {
        List<JobRow> claimed = poll(input, context.caller().arn(accountId));
        ObjectNode out = mapper.createObjectNode();
        ArrayNode jobs = out.putArray("jobs");
        for (JobRow job : claimed) {
            String clientId = UUID.randomUUID().toString();
            engine.assignClient(job.id(), clientId);
            jobs.addObject().put("clientId", clientId).put("jobId", job.id());
        }
        return out;
    }

    private List<JobRow> poll(JsonNode input, String workerId) {
        ActionTypeId type = ActionTypeJson.id(input.get("actionTypeId"));
        ActionTypeDefinition definition = actionTypes.find(type)
                .orElseThrow(() -> new ActionTypeNotFoundException("Action type " + type + " does not exist"));
        int max = input.path("maxBatchSize").asInt(1);
        Map<String, String> query = new LinkedHashMap<>();
        input.path("queryParam").properties().forEach(e -> query.put(e.getKey(), e.getValue().asText()));
        for (String key : query.keySet()) {
            boolean queryable = definition.property(key).map(ConfigurationProperty::queryable).orElse(false);
            if (!queryable) {
                throw new ValidationException("queryParam names '" + key + "', which is not a queryable property of " + type,
                        "queryParam." + key);
            }
        }
        Instant until = Instant.now().plus(pollWait);
        try {
            while (true) {
                long generation = engine.jobSignal().generation();
                // Held only until acknowledged: a worker that dies in between does not keep the job (see EngineConfig).
                List<JobRow> claimed = engine.pollJobs(List.of(type), max, workerId, engine.config().acknowledgeTimeout(),
                        job -> matches(job, query));
                Duration left = Duration.between(Instant.now(), until);
                if (!claimed.isEmpty() || left.isNegative() || left.isZero()) {
                    return claimed;
                }
                engine.jobSignal().awaitAfter(generation, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private boolean matches(JobRow job, Map<String, String> query) {
        if (query.isEmpty()) {
            return true;
        }
        JsonNode configuration = read(job.dataJson()).path("jobData").path("actionConfiguration").path("configuration");
        return query.entrySet().stream().allMatch(e -> e.getValue().equals(configuration.path(e.getKey()).asText(null)));
    }

    JsonNode acknowledgeJob(JsonNode input, RequestContext context) {
        JobRow job = engine.acknowledgeJob(input.get("jobId").asText(), input.get("nonce").asText(), null);
        return mapper.createObjectNode().put("status", job.status().name());
    }

    JsonNode acknowledgeThirdPartyJob(JsonNode input, RequestContext context) {
        String jobId = input.get("jobId").asText();
        checkClient(jobId, input.get("clientToken").asText());
        JobRow job = engine.acknowledgeJob(jobId, input.get("nonce").asText(), null);
        return mapper.createObjectNode().put("status", job.status().name());
    }

    JsonNode getJobDetails(JsonNode input, RequestContext context) {
        JobRow job = job(input.get("jobId").asText());
        ObjectNode details = mapper.createObjectNode();
        details.put("id", job.id());
        details.set("data", jobData(job));
        details.put("accountId", accountId);
        ObjectNode out = mapper.createObjectNode();
        out.set("jobDetails", details);
        return out;
    }

    JsonNode getThirdPartyJobDetails(JsonNode input, RequestContext context) {
        String jobId = input.get("jobId").asText();
        checkClient(jobId, input.get("clientToken").asText());
        JobRow job = job(jobId);
        ObjectNode details = mapper.createObjectNode();
        details.put("id", job.id());
        details.set("data", jobData(job));
        details.put("nonce", job.nonce());
        ObjectNode out = mapper.createObjectNode();
        out.set("jobDetails", details);
        return out;
    }

    private JsonNode putSuccess(JsonNode input, String clientToken) {
        String jobId = input.get("jobId").asText();
        if (clientToken != null) {
            checkClient(jobId, clientToken);
        }
        JobRow job = job(jobId);
        Map<String, String> variables = new LinkedHashMap<>();
        input.path("outputVariables").properties().forEach(e -> variables.put(e.getKey(), e.getValue().asText()));
        int size = variables.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
        if (size > MAX_OUTPUT_VARIABLES_CHARS) {
            throw new OutputVariablesSizeExceededException("Output variables total " + size + " characters; at most "
                    + MAX_OUTPUT_VARIABLES_CHARS + " are allowed");
        }
        JsonNode details = input.path("executionDetails");
        JobOutcome.CurrentRevision revision = null;
        if (input.has("currentRevision")) {
            JsonNode r = input.get("currentRevision");
            revision = new JobOutcome.CurrentRevision(r.path("revision").asText(), r.path("changeIdentifier").asText(null),
                    r.has("created") ? Instant.ofEpochMilli((long) (r.get("created").asDouble() * 1000)) : null,
                    r.path("revisionSummary").asText(null), null);
        }
        String continuation = input.path("continuationToken").asText(null);
        List<JobOutcome.ProducedArtifact> produced = new ArrayList<>();
        if (continuation == null) {
            String missing = registerOutputs(job, produced);
            if (missing != null) {
                engine.completeJob(jobId, JobOutcome.Failure.jobFailed(missing));
                return null;
            }
        }
        String externalExecutionId = details.path("externalExecutionId").asText(null);
        engine.completeJob(jobId, new JobOutcome.Success(details.path("summary").asText(null),
                externalExecutionId, executionUrl(job, externalExecutionId),
                details.has("percentComplete") ? details.get("percentComplete").asInt() : null, variables, produced, revision, continuation));
        return null;
    }

    /**
     * The run's link, from the executionUrlTemplate of the job's action type filled with the action's configuration
     * (as the job carries it, variables resolved) and the external id the worker reported; null without a template.
     */
    private String executionUrl(JobRow job, String externalExecutionId) {
        JsonNode jobData = read(job.dataJson()).path("jobData");
        Map<String, String> configuration = new LinkedHashMap<>();
        jobData.path("actionConfiguration").path("configuration").properties()
                .forEach(e -> configuration.put(e.getKey(), e.getValue().asText()));
        return actionTypes.find(ActionTypeJson.id(jobData.path("actionTypeId")))
                .flatMap(type -> type.executionUrl(configuration, externalExecutionId)).orElse(null);
    }

    /**
     * Records the output artifacts a worker uploaded to the locations its job named; returns a failure message when
     * one is missing (the action then fails with it, rather than a later action failing for want of its input).
     */
    private String registerOutputs(JobRow job, List<JobOutcome.ProducedArtifact> produced) {
        JsonNode data = read(job.dataJson());
        JsonNode jobData = data.path("jobData");
        JsonNode context = jobData.path("pipelineContext");
        JsonNode key = jobData.path("encryptionKey");
        for (JsonNode output : jobData.path("outputArtifacts")) {
            JsonNode s3 = output.path("location").path("s3Location");
            S3Location location = new S3Location(s3.path("bucketName").asText(), s3.path("objectKey").asText(), null);
            try {
                artifacts.objects().headObject(location.bucket(), location.key(), null);
            } catch (S3Exception e) {
                return "The job reported success without uploading its output artifact '" + output.path("name").asText()
                        + "' to " + location;
            }
            ArtifactPlacement placement = new ArtifactPlacement(location.bucket(),
                    key.isMissingNode() ? null : new EncryptionKey(key.path("id").asText(), key.path("type").asText()),
                    context.path("pipelineName").asText(), output.path("name").asText(), context.path("pipelineExecutionId").asText(),
                    context.path("stage").path("name").asText(), context.path("action").path("name").asText(),
                    context.path("action").path("actionExecutionId").asText());
            produced.add(new JobOutcome.ProducedArtifact(output.path("name").asText(), artifacts.registerArtifact(placement, location).location()));
        }
        return null;
    }

    private JsonNode putFailure(JsonNode input, String clientToken) {
        String jobId = input.get("jobId").asText();
        if (clientToken != null) {
            checkClient(jobId, clientToken);
        }
        JobRow job = job(jobId);
        JsonNode failure = input.get("failureDetails");
        String externalExecutionId = failure.path("externalExecutionId").asText(null);
        engine.completeJob(jobId, new JobOutcome.Failure(failure.get("type").asText(), failure.get("message").asText(),
                externalExecutionId, executionUrl(job, externalExecutionId)));
        return null;
    }

    /** The API's JobData of a job, with fresh artifact credentials (also what Invoke/AWS/Lambda's event is made of). */
    public ObjectNode jobData(JobRow job) {
        ObjectNode data = (ObjectNode) read(job.dataJson()).path("jobData").deepCopy();
        JobCredentialRepository.JobCredential credential = credentials.issue(job.id());
        data.putObject("artifactCredentials").put("accessKeyId", credential.accessKeyId())
                .put("secretAccessKey", credential.secretAccessKey()).put("sessionToken", credential.sessionToken());
        return data;
    }

    private JobRow job(String jobId) {
        return engine.findJob(jobId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId, "jobId"));
    }

    private void checkClient(String jobId, String clientToken) {
        job(jobId);
        String clientId = engine.clientOf(jobId);
        if (clientId == null || !clientId.equals(clientToken)) {
            throw new InvalidClientTokenException("The client token does not match the client this job was given to", "clientToken");
        }
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
