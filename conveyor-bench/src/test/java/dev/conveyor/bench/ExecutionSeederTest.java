package dev.conveyor.bench;

import dev.conveyor.testkit.TestCredentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seeded history is what the engine would have left: the API reads it back, and new executions follow it. */
class ExecutionSeederTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void seededExecutionsReadBackThroughTheApiAndNewOnesFollowThem() throws Exception {
        int pipelines = 12;
        try (ConveyorServer server = new ConveyorServer(ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).start();
             HttpConnection connection = connection(server)) {
            for (int i = 0; i < pipelines; i++) {
                assertThat(connection.send(AwsJsonRequest.of(server.port(), "CreatePipeline", PipelineFixture.createBody(i))).status())
                        .as(connection.lastBody()).isEqualTo(200);
            }
        }

        // 12 pipelines, 150 executions: 6 pipelines get 13, the others 12; enough for every outcome to occur.
        ExecutionSeeder.Seeded seeded = new ExecutionSeeder(dataDir, Instant.now(), 42).seed(150);

        assertThat(seeded.executions()).isEqualTo(150);
        assertThat(seeded.executionCounts()).hasSize(pipelines).containsEntry(PipelineFixture.name(0), 13L)
                .containsEntry(PipelineFixture.name(pipelines - 1), 12L);
        assertThat(seeded.byStatus()).containsKeys(PipelineExecutionStatus.Succeeded, PipelineExecutionStatus.Failed,
                PipelineExecutionStatus.Stopped, PipelineExecutionStatus.Superseded);
        assertThat(seeded.rowsByTable()).containsKeys("pipeline_execution", "stage_execution", "action_execution", "job",
                "artifact", "artifact_consumption");
        assertThat(seeded.samples()).containsKeys(PipelineFixture.name(0), PipelineFixture.name(pipelines - 1));

        try (ConveyorServer server = new ConveyorServer(ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).start();
             HttpConnection connection = connection(server)) {
            HistoryReads reads = new HistoryReads(address(server), server.port(), "Conveyor");
            int compared = reads.verify(seeded);
            assertThat(compared).isEqualTo(seeded.samples().values().stream().mapToInt(List::size).sum());
            HistoryReads.Reads all = reads.readAll(seeded.executionCounts(), 2);
            assertThat(all.pipelines()).isEqualTo(pipelines);
            assertThat(all.requests()).isEqualTo(4L * pipelines);

            // Newest first is latest started first; each finished after it started, within the last 30 days.
            double monthAgo = Instant.now().minus(ExecutionSeeder.HISTORY).getEpochSecond();
            for (String name : seeded.executionCounts().keySet()) {
                JsonNode summaries = call(connection, server, "ListPipelineExecutions", "{\"pipelineName\":\"" + name + "\"}")
                        .path("pipelineExecutionSummaries");
                double later = Double.MAX_VALUE;
                for (JsonNode summary : summaries) {
                    double start = summary.path("startTime").asDouble();
                    assertThat(start).as(name).isLessThan(later).isGreaterThan(monthAgo);
                    assertThat(summary.path("lastUpdateTime").asDouble()).as(name).isGreaterThan(start);
                    later = start;
                }
            }

            // The next execution takes the next sequence number: it is listed first, before the seeded ones.
            String pipeline = PipelineFixture.name(3);
            JsonNode started = call(connection, server, "StartPipelineExecution", "{\"name\":\"" + pipeline + "\"}");
            JsonNode listed = call(connection, server, "ListPipelineExecutions", "{\"pipelineName\":\"" + pipeline + "\"}");
            assertThat(listed.path("pipelineExecutionSummaries")).hasSize((int) (seeded.executionCounts().get(pipeline) + 1));
            assertThat(listed.path("pipelineExecutionSummaries").path(0).path("pipelineExecutionId").asText())
                    .isEqualTo(started.path("pipelineExecutionId").asText());
        }
    }

    private static HttpConnection connection(ConveyorServer server) {
        return new HttpConnection(address(server));
    }

    private static InetSocketAddress address(ConveyorServer server) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    }

    private static JsonNode call(HttpConnection connection, ConveyorServer server, String operation, String body) throws IOException {
        HttpConnection.Response response = connection.send(AwsJsonRequest.of(server.port(), operation, body));
        assertThat(response.status()).as(operation + ": " + connection.lastBody()).isEqualTo(200);
        return JSON.readTree(connection.lastBody());
    }
}
