package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.testkit.HostileBodies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 14, on a real process with a small heap: 64 concurrent 8 MiB bodies of tiny JSON objects (which
 * once took the server to 2.7 GB) must fit in 256 MiB of heap. The JVM runs with {@code -Xmx256m} and
 * {@code -XX:+ExitOnOutOfMemoryError}, so the bound is checked by the JVM itself, deterministically: had parsing
 * needed more, the process would have exited and the requests and health checks after it would fail.
 */
class LargeRequestBodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void sixtyFourConcurrentEightMegabyteBodiesFitInASmallHeapAndHealthzKeepsAnswering() throws Exception {
        try (ConveyorProcess server = ConveyorProcess.start(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"), work.resolve("data"));
             HttpClient http = HttpClient.newHttpClient()) {
            byte[] body = HostileBodies.tinyObjects(8 * 1024 * 1024 - 64);
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int n = 0; n < 64; n++) {
                inFlight.add(http.sendAsync(dev.conveyor.testkit.TestSigner.request("POST", URI.create(server.endpoint() + "/"),
                        java.util.Map.of("X-Amz-Target", "CodePipeline_20150709.ListPipelines", "Content-Type", "application/x-amz-json-1.1"),
                        body, "codepipeline").build(), HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new));
            int healthChecks = 0;
            do {
                assertThat(healthz(http, server)).isEqualTo(200);
                healthChecks++;
            } while (!all.isDone() || healthChecks < 3);
            for (CompletableFuture<HttpResponse<String>> future : inFlight) {
                HttpResponse<String> response = future.get(5, TimeUnit.MINUTES);
                assertThat(response.statusCode()).isEqualTo(400);
                assertThat(JSON.readTree(response.body()).path("__type").asText()).isIn("SerializationException", "ThrottlingException");
            }
            assertThat(healthz(http, server)).isEqualTo(200);
            HttpResponse<String> normal = http.send(dev.conveyor.testkit.TestSigner.json(URI.create(server.endpoint() + "/"),
                    "CodePipeline_20150709.ListPipelines", "{}").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(normal.statusCode()).isEqualTo(200);
            JsonNode pipelines = JSON.readTree(normal.body());
            assertThat(pipelines.has("pipelines")).isTrue();
            assertThat(server.output()).doesNotContain("OutOfMemoryError");
        }
    }

    private static int healthz(HttpClient http, ConveyorProcess server) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
