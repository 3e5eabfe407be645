package dev.conveyor.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.agent.JobChannel;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job queue of a remote server, over Conveyor's agent API. Log lines are batched per job and shipped every
 * half second (and before the result), so a log follower on the server sees them live without one request per
 * line. Each job's artifact credentials are kept for the artifact store of that job.
 */
final class HttpJobChannel implements JobChannel, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpJobChannel.class);

    /** Temporary credentials a job was handed, for its artifacts. */
    record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    }

    private final AgentApiClient api;
    private final Map<String, Credentials> credentials = new ConcurrentHashMap<>();
    private final Map<String, StringBuilder> pendingLogs = new ConcurrentHashMap<>();
    private final Map<String, String> workerOfJob = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> dataOfJob = new ConcurrentHashMap<>();
    private final Thread shipper;
    private volatile boolean closed;

    HttpJobChannel(AgentApiClient api) {
        this.api = api;
        this.shipper = Thread.ofVirtual().name("agent-log-shipper").start(this::shipLoop);
    }

    Credentials credentialsOf(String jobId) {
        return credentials.get(jobId);
    }

    /** A job this agent holds, found by its action execution id: its id and stored data. */
    record HeldJob(String jobId, JsonNode data, Credentials credentials) {
    }

    HeldJob heldJobOfAction(String actionExecutionId) {
        for (Map.Entry<String, JsonNode> e : dataOfJob.entrySet()) {
            String id = e.getValue().path("jobData").path("pipelineContext").path("action").path("actionExecutionId").asText();
            if (id.equals(actionExecutionId)) {
                return new HeldJob(e.getKey(), e.getValue(), credentials.get(e.getKey()));
            }
        }
        throw new IllegalStateException("no job held for action execution " + actionExecutionId);
    }

    /** A job this agent holds whose input artifacts include {@code bucket/key}. */
    HeldJob heldJobReading(String bucket, String key) {
        for (Map.Entry<String, JsonNode> e : dataOfJob.entrySet()) {
            for (JsonNode in : e.getValue().path("jobData").path("inputArtifacts")) {
                JsonNode s3 = in.path("location").path("s3Location");
                if (bucket.equals(s3.path("bucketName").asText()) && key.equals(s3.path("objectKey").asText())) {
                    return new HeldJob(e.getKey(), e.getValue(), credentials.get(e.getKey()));
                }
            }
        }
        throw new IllegalStateException("no job held that reads s3://" + bucket + "/" + key);
    }

    @Override
    public List<ClaimedJob> poll(Collection<ActionTypeId> types, Set<String> labels, int max, String workerId, Duration wait)
            throws InterruptedException {
        ObjectNode input = api.object().put("workerId", workerId).put("maxBatchSize", Math.min(max, 100))
                .put("waitSeconds", (int) Math.min(20, wait.toSeconds()));
        ArrayNode typeList = input.putArray("actionTypes");
        types.forEach(t -> typeList.addObject().put("category", t.category()).put("owner", t.owner())
                .put("provider", t.provider()).put("version", t.version()));
        ArrayNode labelList = input.putArray("labels");
        labels.forEach(labelList::add);
        JsonNode output;
        try {
            output = api.call("PollForAgentJobs", input, wait.plusSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ClaimedJob> jobs = new ArrayList<>();
        for (JsonNode job : output.path("jobs")) {
            JsonNode t = job.path("actionTypeId");
            JsonNode c = job.path("artifactCredentials");
            String jobId = job.path("jobId").asText();
            credentials.put(jobId, new Credentials(c.path("accessKeyId").asText(), c.path("secretAccessKey").asText(),
                    c.path("sessionToken").asText()));
            workerOfJob.put(jobId, workerId);
            try {
                dataOfJob.put(jobId, dev.conveyor.model.json.ConveyorJson.mapper().readTree(job.path("data").asText()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jobs.add(new ClaimedJob(jobId, job.path("nonce").asText(), new ActionTypeId(t.path("category").asText(),
                    t.path("owner").asText(), t.path("provider").asText(), t.path("version").asText()), job.path("data").asText()));
        }
        return jobs;
    }

    @Override
    public void acknowledge(String jobId, String nonce) {
        // Acknowledging is idempotent on the server, so a call lost with its connection (a replica dying behind the load
        // balancer mid-request) is sent again, to whichever replica answers now, rather than failing a job not yet begun.
        for (int attempt = 1; ; attempt++) {
            try {
                call("AcknowledgeAgentJob", api.object().put("jobId", jobId).put("workerId", workerOfJob.get(jobId)).put("nonce", nonce));
                return;
            } catch (UncheckedIOException e) {
                if (attempt == 4) {
                    throw e;
                }
                try {
                    Thread.sleep(250L << (attempt - 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public boolean renew(String jobId, String workerId) {
        return call("RenewAgentJobLease", api.object().put("jobId", jobId).put("workerId", workerId)).path("held").asBoolean(false);
    }

    @Override
    public void appendLog(String jobId, String workerId, String line) {
        pendingLogs.computeIfAbsent(jobId, k -> new StringBuilder());
        StringBuilder buffer = pendingLogs.get(jobId);
        synchronized (buffer) {
            buffer.append(line).append('\n');
        }
    }

    @Override
    public void complete(String jobId, JobOutcome outcome) {
        ship(jobId);
        ObjectNode result = api.object();
        switch (outcome) {
            case JobOutcome.Success s -> {
                result.put("succeeded", true);
                putIfPresent(result, "summary", s.summary());
                putIfPresent(result, "externalExecutionId", s.externalExecutionId());
                putIfPresent(result, "externalExecutionUrl", s.externalExecutionUrl());
                if (s.percentComplete() != null) {
                    result.put("percentComplete", s.percentComplete());
                }
                ObjectNode variables = result.putObject("outputVariables");
                s.outputVariables().forEach(variables::put);
                ArrayNode artifacts = result.putArray("outputArtifacts");
                for (JobOutcome.ProducedArtifact a : s.outputArtifacts()) {
                    ObjectNode node = artifacts.addObject().put("name", a.name()).put("bucket", a.location().bucket())
                            .put("key", a.location().key());
                    putIfPresent(node, "versionId", a.location().versionId());
                }
                if (s.currentRevision() != null) {
                    ObjectNode revision = result.putObject("currentRevision").put("revision", s.currentRevision().revision());
                    putIfPresent(revision, "changeIdentifier", s.currentRevision().changeIdentifier());
                    putIfPresent(revision, "revisionSummary", s.currentRevision().revisionSummary());
                    putIfPresent(revision, "revisionUrl", s.currentRevision().revisionUrl());
                }
                putIfPresent(result, "continuationToken", s.continuationToken());
            }
            case JobOutcome.Failure f -> {
                result.put("succeeded", false).put("failureType", f.type()).put("failureMessage", f.message());
                putIfPresent(result, "externalExecutionId", f.externalExecutionId());
            }
        }
        try {
            call("PutAgentJobResult", api.object().put("jobId", jobId).put("workerId", workerOfJob.get(jobId)).set("outcome", result));
        } finally {
            credentials.remove(jobId);
            workerOfJob.remove(jobId);
            dataOfJob.remove(jobId);
            pendingLogs.remove(jobId);
        }
    }

    @Override
    public JsonNode request(String jobId, String workerId, JsonNode request) {
        JsonNode output = call("SendAgentJobRequest", api.object().put("jobId", jobId).put("workerId", workerId)
                .put("request", request.toString()));
        try {
            return dev.conveyor.model.json.ConveyorJson.mapper().readTree(output.path("response").asText("{}"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void releaseJobsOf(String workerId) {
        call("ReleaseAgentJobs", api.object().put("workerId", workerId));
    }

    private void shipLoop() {
        while (!closed) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            for (String jobId : pendingLogs.keySet()) {
                try {
                    ship(jobId);
                } catch (RuntimeException e) {
                    LOG.warn("could not ship the log of job {}: {}", jobId, e.toString());
                }
            }
        }
    }

    private void ship(String jobId) {
        StringBuilder buffer = pendingLogs.get(jobId);
        String worker = workerOfJob.get(jobId);
        if (buffer == null || worker == null) {
            return;
        }
        String text;
        synchronized (buffer) {
            if (buffer.isEmpty()) {
                return;
            }
            text = buffer.toString();
            buffer.setLength(0);
        }
        call("AppendActionLog", api.object().put("jobId", jobId).put("workerId", worker).put("text", text));
    }

    private JsonNode call(String operation, ObjectNode input) {
        try {
            return api.call(operation, input, Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + operation, e);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    @Override
    public void close() {
        closed = true;
        shipper.interrupt();
    }
}
