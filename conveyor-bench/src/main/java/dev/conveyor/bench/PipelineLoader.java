package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stores the benchmark's pipelines in a server through its API ({@code CreatePipeline}, a few connections in
 * parallel, as a provisioning script would) and then checks that they are all there and readable.
 */
final class PipelineLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int connections;

    PipelineLoader(int connections) {
        this.connections = connections;
    }

    /** Creates pipelines {@code 0..count-1}; returns the wall-clock time it took. Any failure aborts the run. */
    Duration load(ServerProcess server, int count) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            threads.add(Thread.ofPlatform().name("bench-loader-" + t).start(() -> {
                try (HttpConnection connection = new HttpConnection(server.address())) {
                    int index;
                    while (failure.get() == null && (index = next.getAndIncrement()) < count) {
                        byte[] request = AwsJsonRequest.of(server.port(), "CreatePipeline",
                                PipelineFixture.createBody(index));
                        HttpConnection.Response response = connection.send(request);
                        if (response.status() != 200) {
                            failure.compareAndSet(null, "CreatePipeline " + PipelineFixture.name(index) + ": HTTP "
                                    + response.status() + " " + connection.lastBody());
                        }
                    }
                } catch (IOException e) {
                    failure.compareAndSet(null, "CreatePipeline failed: " + e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        if (failure.get() != null) {
            throw new IllegalStateException(server.name() + ": " + failure.get());
        }
        return elapsed;
    }

    /**
     * Checks that every pipeline is listed (following {@code nextToken} where the server pages) and that the first
     * and last read back with their three stages; returns how the listing was paged.
     */
    Listing verify(ServerProcess server, int count) throws IOException {
        try (HttpConnection connection = new HttpConnection(server.address())) {
            for (int index : new int[] {0, count - 1}) {
                JsonNode pipeline = call(connection, server, "GetPipeline", PipelineFixture.getBody(index))
                        .path("pipeline");
                if (!PipelineFixture.name(index).equals(pipeline.path("name").asText())
                        || pipeline.path("stages").size() != 3) {
                    throw new IllegalStateException(server.name() + ": GetPipeline " + PipelineFixture.name(index)
                            + " did not return the stored pipeline: " + connection.lastBody());
                }
            }
            int listed = 0;
            int pages = 0;
            int firstPage = -1;
            String token = null;
            do {
                String body = token == null ? "{}" : JSON.createObjectNode().put("nextToken", token).toString();
                JsonNode page = call(connection, server, "ListPipelines", body);
                int size = page.path("pipelines").size();
                if (firstPage < 0) {
                    firstPage = size;
                }
                listed += size;
                pages++;
                token = page.hasNonNull("nextToken") ? page.get("nextToken").asText() : null;
            } while (token != null && pages <= count);
            if (listed != count) {
                throw new IllegalStateException(server.name() + ": ListPipelines listed " + listed + " pipelines, "
                        + "expected " + count);
            }
            return new Listing(firstPage, pages);
        }
    }

    /**
     * Waits until the execution that CreatePipeline started in each pipeline (as CodePipeline does) has settled, so that
     * what is measured next is not the engine working through them; returns how long that took.
     */
    Duration awaitCreationExecutions(ServerProcess server, int count) throws IOException, InterruptedException {
        long started = System.nanoTime();
        long deadline = started + Duration.ofMinutes(10).toNanos();
        try (HttpConnection connection = new HttpConnection(server.address())) {
            for (int index = 0; index < count; index++) {
                String body = JSON.createObjectNode().put("pipelineName", PipelineFixture.name(index)).put("maxResults", 1).toString();
                while (call(connection, server, "ListPipelineExecutions", body).path("pipelineExecutionSummaries")
                        .path(0).path("status").asText("InProgress").equals("InProgress")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(server.name() + ": the creation execution of "
                                + PipelineFixture.name(index) + " did not settle within 10 minutes");
                    }
                    Thread.sleep(20); // the bench's own wait, not part of any measured figure
                }
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** How a server pages the full listing of the stored pipelines. */
    record Listing(int defaultPageSize, int pages) {
    }

    private static JsonNode call(HttpConnection connection, ServerProcess server, String operation, String body)
            throws IOException {
        HttpConnection.Response response = connection.send(AwsJsonRequest.of(server.port(), operation, body));
        if (response.status() != 200) {
            throw new IllegalStateException(server.name() + ": " + operation + " " + body + " answered HTTP "
                    + response.status() + ": " + connection.lastBody());
        }
        try {
            return JSON.readTree(connection.lastBody());
        } catch (IOException e) {
            throw new UncheckedIOException(server.name() + ": " + operation + " returned invalid JSON", e);
        }
    }
}
