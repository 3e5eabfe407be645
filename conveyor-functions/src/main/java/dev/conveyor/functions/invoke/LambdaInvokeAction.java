package dev.conveyor.functions.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.invoke.InProcessJobWorker;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.functions.Functions;
import dev.conveyor.functions.errors.LambdaException;
import dev.conveyor.functions.errors.ResourceNotFoundException;
import dev.conveyor.functions.errors.TooManyRequestsException;
import dev.conveyor.functions.runtime.InvocationResult;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.store.execution.JobRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Invoke/AWS/Lambda}: invokes {@code FunctionName} with the CodePipeline job event, exactly as CodePipeline does:
 * <pre>{"CodePipeline.job": {"id", "accountId", "data": {"actionConfiguration": {"configuration": {FunctionName, UserParameters}},
 *   "inputArtifacts": [{name, revision, location: {type: S3, s3Location: {bucketName, objectKey}}}], "outputArtifacts": [...],
 *   "artifactCredentials": {accessKeyId, secretAccessKey, sessionToken}, "continuationToken"?, "encryptionKey"?}}}</pre>
 * The function answers by calling PutJobSuccessResult or PutJobFailureResult on the server (a continuation token in the
 * success queues a new job, which invokes the function again with the token). A function that fails (an exception, its
 * own timeout, a crash) fails the action with the function's error message; one that returns without reporting leaves
 * the action running until the action's timeout (CodePipeline's one hour for Lambda, or {@code timeoutInMinutes}).
 * <p>
 * The LambdaInvoke rule's jobs come here too, with the same event, so one function serves both; a rule's function that
 * returns without reporting fails its rule at once, naming the job, instead of leaving it to its timeout.
 */
public final class LambdaInvokeAction implements InProcessJobWorker.Handler {
    public static final ActionTypeId TYPE = new ActionTypeId("Invoke", "AWS", "Lambda", "1");
    private static final Logger LOG = LoggerFactory.getLogger(LambdaInvokeAction.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a job waits, at most, for the function to have a free instance (its concurrency limit). */
    private static final Duration CAPACITY_WAIT = Duration.ofMinutes(15);

    private final Functions functions;
    private final Function<JobRow, ObjectNode> jobData;
    private final BiConsumer<String, JobOutcome> complete;
    private final String accountId;
    private final java.nio.file.Path logsDir;

    /**
     * @param jobData  the job's data as GetJobDetails answers it, with fresh artifact credentials
     * @param complete how a job is completed (the worker's {@link InProcessJobWorker#complete})
     */
    public LambdaInvokeAction(Functions functions, Function<JobRow, ObjectNode> jobData, BiConsumer<String, JobOutcome> complete,
                              String accountId) {
        this(functions, jobData, complete, accountId, null);
    }

    /** @param logsDir the engine's action logs: each invocation's log (START … REPORT) is appended to its action's, when given */
    public LambdaInvokeAction(Functions functions, Function<JobRow, ObjectNode> jobData, BiConsumer<String, JobOutcome> complete,
                              String accountId, java.nio.file.Path logsDir) {
        this.logsDir = logsDir;
        this.functions = functions;
        this.jobData = jobData;
        this.complete = complete;
        this.accountId = accountId;
    }

    @Override
    public void run(JobRow job) throws InterruptedException {
        ObjectNode data = jobData.apply(job);
        String functionName = data.path("actionConfiguration").path("configuration").path("FunctionName").asText();
        byte[] event = event(job.id(), data).toString().getBytes(StandardCharsets.UTF_8);
        InvocationResult result;
        log(job, "[conveyor] invoking " + functionName + (data.hasNonNull("continuationToken") ? " with continuation token "
                + data.get("continuationToken").asText() : "") + " for job " + job.id());
        try {
            result = invokeWhenFree(functionName, event);
        } catch (ResourceNotFoundException e) {
            log(job, "[conveyor] " + e.getMessage());
            complete.accept(job.id(), new JobOutcome.Failure("ConfigurationError", e.getMessage(), null));
            return;
        } catch (LambdaException e) {
            log(job, "[conveyor] " + e.getMessage());
            complete.accept(job.id(), JobOutcome.Failure.jobFailed("Invoking " + functionName + " failed: " + e.getMessage()));
            return;
        }
        log(job, result.log());
        if (result.failed()) {
            complete.accept(job.id(), new JobOutcome.Failure("JobFailed", errorMessage(result), result.requestId()));
        } else if (job.actionExecutionId() == null) {
            // A LambdaInvoke rule's job: a function that returned has reported by now or never will. A rule must not wait
            // out its timeout for nothing, so it fails at once (when the function did report, the job is finished and
            // this is refused and ignored).
            log(job, "[conveyor] " + functionName + " returned without reporting a result for job " + job.id());
            complete.accept(job.id(), new JobOutcome.Failure("JobFailed", "Function '" + functionName + "' returned without "
                    + "calling PutJobSuccessResult or PutJobFailureResult for job " + job.id(), result.requestId()));
        } else {
            LOG.debug("function {} returned for job {} (request {}); the job waits for its result", functionName, job.id(),
                    result.requestId());
        }
    }

    /**
     * Appends to the log of the job's action, or rule ({@code <logs>/<pipelineExecutionId>/<id>.log}, what conveyor logs
     * reads): the id is the one the job's pipeline context names.
     */
    private void log(JobRow job, String text) {
        if (logsDir == null || text == null || text.isEmpty()) {
            return;
        }
        String id = logId(job);
        java.nio.file.Path file = logsDir.resolve(job.pipelineExecutionId()).resolve(id + ".log");
        try (dev.conveyor.engine.agent.ActionLog log = new dev.conveyor.engine.agent.ActionLog(file,
                dev.conveyor.engine.agent.ActionLog.DEFAULT_MAX_BYTES, java.util.List.of())) {
            text.lines().forEach(log::line);
        } catch (RuntimeException e) {
            LOG.warn("cannot write the log of {}: {}", id, e.toString());
        }
    }

    private static String logId(JobRow job) {
        if (job.actionExecutionId() != null) {
            return job.actionExecutionId();
        }
        try {
            return JSON.readTree(job.dataJson()).path("jobData").path("pipelineContext").path("action").path("actionExecutionId")
                    .asText(job.id());
        } catch (IOException e) {
            return job.id();
        }
    }

    /** The event CodePipeline sends a Lambda invoke action's function. */
    public ObjectNode event(String jobId, JsonNode jobData) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode job = event.putObject("CodePipeline.job");
        job.put("id", jobId);
        job.put("accountId", accountId);
        ObjectNode data = job.putObject("data");
        data.putObject("actionConfiguration").set("configuration", jobData.path("actionConfiguration").path("configuration").deepCopy());
        data.set("inputArtifacts", artifacts(jobData.path("inputArtifacts")));
        data.set("outputArtifacts", artifacts(jobData.path("outputArtifacts")));
        data.set("artifactCredentials", jobData.path("artifactCredentials").deepCopy());
        if (jobData.hasNonNull("continuationToken")) {
            data.put("continuationToken", jobData.get("continuationToken").asText());
        }
        if (jobData.has("encryptionKey")) {
            data.set("encryptionKey", jobData.get("encryptionKey").deepCopy());
        }
        return event;
    }

    private static JsonNode artifacts(JsonNode list) {
        var out = JSON.createArrayNode();
        for (JsonNode a : list) {
            ObjectNode artifact = out.addObject();
            JsonNode s3 = a.path("location").path("s3Location");
            ObjectNode location = JSON.createObjectNode();
            location.putObject("s3Location").put("bucketName", s3.path("bucketName").asText()).put("objectKey", s3.path("objectKey").asText());
            location.put("type", "S3");
            artifact.set("location", location);
            artifact.set("revision", a.hasNonNull("revision") ? a.get("revision") : JSON.nullNode());
            artifact.put("name", a.path("name").asText());
        }
        return out;
    }

    private InvocationResult invokeWhenFree(String functionName, byte[] event) throws InterruptedException {
        long deadline = System.nanoTime() + CAPACITY_WAIT.toNanos();
        long backoff = 50;
        while (true) {
            try {
                return functions.invoke(functionName, event);
            } catch (TooManyRequestsException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(backoff); // CodePipeline invokes asynchronously: a busy function delays the action, it does not fail it
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    /** The function's error message, as the action's failure reads it. */
    static String errorMessage(InvocationResult result) {
        String text = new String(result.payload(), StandardCharsets.UTF_8);
        try {
            JsonNode error = JSON.readTree(text);
            if (error != null && error.hasNonNull("errorMessage")) {
                return error.get("errorMessage").asText();
            }
        } catch (IOException notJson) {
            // fall through: the payload as it is
        }
        return text.isBlank() ? "The function failed (" + result.functionError() + ")" : text;
    }
}
