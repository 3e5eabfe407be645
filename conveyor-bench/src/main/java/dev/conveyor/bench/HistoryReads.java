package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.model.execution.ActionExecutionStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a seeded execution history back through the CodePipeline API: first a check that what {@link
 * ExecutionSeeder} wrote is what the API returns (any difference aborts the run), then the reads an operator's
 * console makes for every pipeline (ListPipelineExecutions, GetPipelineExecution of the newest, ListActionExecutions,
 * GetPipelineState), so that the server has touched all of its history before its memory is measured.
 */
final class HistoryReads {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** CodePipeline's default page of ListPipelineExecutions and ListActionExecutions. */
    private static final int PAGE = 100;

    private final InetSocketAddress address;
    private final int port;
    private final String server;

    HistoryReads(InetSocketAddress address, int port, String server) {
        this.address = address;
        this.port = port;
        this.server = server;
    }

    /** What {@link #readAll} did. */
    record Reads(int pipelines, long requests, Duration elapsed) {
        double perSecond() {
            return requests / (elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Checks the sampled pipelines execution by execution: ListPipelineExecutions (ids, order, status, trigger),
     * GetPipelineExecution (status, source revision), ListActionExecutions of each execution (every action execution
     * and its status) and GetPipelineState (the latest stage and action executions). Returns how many executions
     * were compared; throws on the first difference.
     */
    int verify(ExecutionSeeder.Seeded seeded) throws IOException {
        int compared = 0;
        try (HttpConnection connection = new HttpConnection(address)) {
            for (Map.Entry<String, List<ExecutionSeeder.SeededExecution>> sample : seeded.samples().entrySet()) {
                String pipeline = sample.getKey();
                List<ExecutionSeeder.SeededExecution> expected = sample.getValue();
                JsonNode summaries = call(connection, "ListPipelineExecutions", JSON.createObjectNode()
                        .put("pipelineName", pipeline).toString()).path("pipelineExecutionSummaries");
                int shown = Math.min(PAGE, expected.size());
                require(summaries.size() == shown, pipeline, "ListPipelineExecutions returned " + summaries.size()
                        + " executions, expected " + shown);
                for (int i = 0; i < shown; i++) {
                    ExecutionSeeder.SeededExecution e = expected.get(expected.size() - 1 - i); // newest first
                    JsonNode s = summaries.get(i);
                    require(e.id().equals(s.path("pipelineExecutionId").asText())
                                    && e.status().name().equals(s.path("status").asText())
                                    && e.triggerType().equals(s.path("trigger").path("triggerType").asText()),
                            pipeline, "ListPipelineExecutions[" + i + "] is " + s + ", expected " + e.id() + " " + e.status()
                                    + " by " + e.triggerType());
                }
                for (ExecutionSeeder.SeededExecution e : expected) {
                    JsonNode execution = call(connection, "GetPipelineExecution", JSON.createObjectNode()
                            .put("pipelineName", pipeline).put("pipelineExecutionId", e.id()).toString()).path("pipelineExecution");
                    require(e.status().name().equals(execution.path("status").asText()), pipeline,
                            "GetPipelineExecution " + e.id() + " has status " + execution.path("status") + ", expected " + e.status());
                    if (e.artifactRevision() != null) {
                        require(e.artifactRevision().equals(execution.path("artifactRevisions").path(0).path("revisionId").asText()),
                                pipeline, "GetPipelineExecution " + e.id() + " has artifact revisions "
                                        + execution.path("artifactRevisions") + ", expected revision " + e.artifactRevision());
                    }
                    JsonNode details = call(connection, "ListActionExecutions", JSON.createObjectNode()
                            .put("pipelineName", pipeline).set("filter", JSON.createObjectNode()
                                    .put("pipelineExecutionId", e.id())).toString()).path("actionExecutionDetails");
                    Map<String, String> listed = new HashMap<>();
                    details.forEach(d -> listed.put(d.path("actionExecutionId").asText(), d.path("status").asText()));
                    Map<String, String> written = new HashMap<>();
                    e.actions().forEach(a -> written.put(a.id(), a.status().name()));
                    require(listed.equals(written), pipeline, "ListActionExecutions of " + e.id() + " returned " + listed
                            + ", expected " + written);
                    for (JsonNode d : details) {
                        boolean succeeded = ActionExecutionStatus.Succeeded.name().equals(d.path("status").asText());
                        require(d.path("input").has("actionTypeId") && (!succeeded || d.path("output").has("executionResult")),
                                pipeline, "ListActionExecutions of " + e.id() + " returned an incomplete action: " + d);
                    }
                    compared++;
                }
                verifyState(connection, pipeline, expected);
            }
        }
        return compared;
    }

    /** GetPipelineState: each stage's latest execution is the newest execution that entered it, likewise for actions. */
    private void verifyState(HttpConnection connection, String pipeline, List<ExecutionSeeder.SeededExecution> expected)
            throws IOException {
        JsonNode state = call(connection, "GetPipelineState", JSON.createObjectNode().put("name", pipeline).toString());
        for (JsonNode stage : state.path("stageStates")) {
            String stageName = stage.path("stageName").asText();
            ExecutionSeeder.SeededExecution latest = null;
            ExecutionSeeder.SeededStage latestStage = null;
            for (ExecutionSeeder.SeededExecution e : expected) {
                for (ExecutionSeeder.SeededStage s : e.stages()) {
                    if (s.stageName().equals(stageName)) {
                        latest = e;
                        latestStage = s;
                    }
                }
            }
            if (latest == null) {
                require(!stage.has("latestExecution"), pipeline, "GetPipelineState shows stage " + stageName
                        + " as run, but no execution entered it: " + stage);
                continue;
            }
            JsonNode shown = stage.path("latestExecution");
            require(latest.id().equals(shown.path("pipelineExecutionId").asText())
                            && latestStage.status().name().equals(shown.path("status").asText()), pipeline,
                    "GetPipelineState stage " + stageName + " shows " + shown + ", expected " + latest.id() + " " + latestStage.status());
            for (JsonNode action : stage.path("actionStates")) {
                String actionName = action.path("actionName").asText();
                ExecutionSeeder.SeededAction newest = null;
                for (ExecutionSeeder.SeededExecution e : expected) {
                    for (ExecutionSeeder.SeededAction a : e.actions()) {
                        if (a.stageName().equals(stageName) && a.actionName().equals(actionName)) {
                            newest = a;
                        }
                    }
                }
                if (newest != null) {
                    require(newest.id().equals(action.path("latestExecution").path("actionExecutionId").asText()), pipeline,
                            "GetPipelineState action " + stageName + "/" + actionName + " shows " + action.path("latestExecution")
                                    + ", expected " + newest.id());
                }
            }
        }
    }

    /**
     * For every pipeline, over {@code connections} connections in parallel: ListPipelineExecutions (whose length must
     * match the pipeline's execution count, up to a page), GetPipelineExecution of the newest execution,
     * ListActionExecutions and GetPipelineState. Throws on any error or wrong count.
     */
    Reads readAll(Map<String, Long> executionCounts, int connections) throws InterruptedException {
        List<Map.Entry<String, Long>> pipelines = new ArrayList<>(executionCounts.entrySet());
        AtomicInteger next = new AtomicInteger();
        AtomicLong requests = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            threads.add(Thread.ofPlatform().name("bench-history-" + t).start(() -> {
                try (HttpConnection connection = new HttpConnection(address)) {
                    int index;
                    while (failure.get() == null && (index = next.getAndIncrement()) < pipelines.size()) {
                        String pipeline = pipelines.get(index).getKey();
                        long count = pipelines.get(index).getValue();
                        String named = JSON.createObjectNode().put("pipelineName", pipeline).toString();
                        JsonNode summaries = call(connection, "ListPipelineExecutions", named).path("pipelineExecutionSummaries");
                        if (summaries.size() != Math.min(PAGE, count)) {
                            failure.compareAndSet(null, pipeline + ": ListPipelineExecutions returned " + summaries.size()
                                    + " executions, expected " + Math.min(PAGE, count));
                        }
                        requests.addAndGet(1);
                        if (count > 0) {
                            String newest = summaries.path(0).path("pipelineExecutionId").asText();
                            call(connection, "GetPipelineExecution", JSON.createObjectNode().put("pipelineName", pipeline)
                                    .put("pipelineExecutionId", newest).toString());
                            JsonNode details = call(connection, "ListActionExecutions", named).path("actionExecutionDetails");
                            if (details.isEmpty()) {
                                failure.compareAndSet(null, pipeline + ": ListActionExecutions returned no action executions");
                            }
                            requests.addAndGet(2);
                        }
                        call(connection, "GetPipelineState", JSON.createObjectNode().put("name", pipeline).toString());
                        requests.addAndGet(1);
                    }
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e.getMessage());
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(server + ": reading the history failed: " + failure.get());
        }
        return new Reads(pipelines.size(), requests.get(), Duration.ofNanos(System.nanoTime() - started));
    }

    private JsonNode call(HttpConnection connection, String operation, String body) throws IOException {
        HttpConnection.Response response = connection.send(AwsJsonRequest.of(port, operation, body));
        if (response.status() != 200) {
            throw new IllegalStateException(server + ": " + operation + " " + body + " answered HTTP " + response.status() + ": "
                    + connection.lastBody());
        }
        try {
            return JSON.readTree(connection.lastBody());
        } catch (IOException e) {
            throw new UncheckedIOException(server + ": " + operation + " returned invalid JSON", e);
        }
    }

    private void require(boolean condition, String pipeline, String message) {
        if (!condition) {
            throw new IllegalStateException(server + ": the seeded history does not read back: " + pipeline + ": " + message);
        }
    }
}
