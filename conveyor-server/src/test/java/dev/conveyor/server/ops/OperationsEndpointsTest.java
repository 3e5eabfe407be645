package dev.conveyor.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineNotFoundException;

class OperationsEndpointsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    static java.util.stream.Stream<String> databases() {
        return TestDatabases.both();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void metricsCountRequestsPerOperationAndShowThePoolTheJvmAndTheQueues(String kind) throws Exception {
        try (ConveyorServer server = start(kind); CodePipelineClient client = client(server)) {
            client.listPipelines();
            client.listPipelines();
            try {
                client.getPipeline(b -> b.name("missing"));
            } catch (PipelineNotFoundException expected) {
                // counted as a client error
            }
            String metrics = get(server, "/metrics").body();
            assertThat(metrics)
                    .containsPattern("conveyor_requests_seconds_count\\{operation=\"CodePipeline_20150709.ListPipelines\",outcome=\"success\"} 2")
                    .containsPattern("conveyor_requests_seconds_count\\{operation=\"CodePipeline_20150709.GetPipeline\",outcome=\"client_error\"} 1")
                    .contains("conveyor_executions{status=\"InProgress\"}")
                    .contains("conveyor_actions{status=\"Failed\"}")
                    .contains("conveyor_jobs{status=\"Queued\"}")
                    .contains("conveyor_jobs_oldest_queued_wait_seconds")
                    .contains("conveyor_artifacts_stored_bytes")
                    .contains("hikaricp_connections_active")
                    .contains("jvm_memory_used_bytes")
                    .contains("process_uptime_seconds");
            // The embedded file's figures (EmbeddedCompaction keeps its chunks bounded); PostgreSQL has no such file.
            if (kind.equals("h2")) {
                assertThat(metrics).containsPattern("(?m)^conveyor_database_embedded_chunks [1-9]")
                        .containsPattern("(?m)^conveyor_database_embedded_file_size_bytes [1-9]")
                        .contains("conveyor_database_embedded_chunks_fill_percent");
            } else {
                assertThat(metrics).doesNotContain("conveyor_database_embedded");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void readinessTurnsOffWhenDrainingWhileLivenessStaysOn(String kind) throws Exception {
        try (ConveyorServer server = start(kind)) {
            assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
            Thread drainer = Thread.ofVirtual().start(() -> server.drain(Duration.ofSeconds(5)));
            dev.conveyor.testkit.Await.await(server::draining, d -> d, Duration.ofSeconds(5), "the drain to start");
            HttpResponse<String> ready = get(server, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("draining");
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(200); // alive: do not restart it, just send nothing new
            drainer.join();
        }
    }

    private static ConveyorServer start(String kind) throws Exception {
        Path dataDir = Files.createTempDirectory("conveyor-ops-");
        ServerConfig config = ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY));
        return new ConveyorServer("h2".equals(kind) ? config : config.withDatabaseUrl(TestDatabases.freshUrl(kind))).start();
    }

    private static CodePipelineClient client(ConveyorServer server) {
        return CodePipelineClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private HttpResponse<String> get(ConveyorServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
