package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests run on a pool of platform threads (issue 20), and a long poll holds one while it waits: many more job
 * workers polling at once than the 200 threads the pool used to allow still leave the server answering everyone else.
 */
class ManyLongPollsTest {
    private static final int POLLS = 300;

    @TempDir
    Path dir;

    @Test
    void threeHundredWaitingPollsLeaveOtherRequestsAnsweredAtOnce() throws Exception {
        try (ConveyorServer server = new ConveyorServer(ServerConfig.embedded(dir, 0).withAuth(ServerConfig.AuthSettings.none())).start();
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String actionType = "{\"category\":\"Build\",\"owner\":\"Custom\",\"provider\":\"Waiter\",\"version\":\"1\"}";
            assertThat(call(http, server, "CreateCustomActionType", "{\"category\":\"Build\",\"provider\":\"Waiter\",\"version\":\"1\","
                    + "\"inputArtifactDetails\":{\"minimumCount\":0,\"maximumCount\":1},"
                    + "\"outputArtifactDetails\":{\"minimumCount\":0,\"maximumCount\":1}}").join().statusCode()).isEqualTo(200);

            // Each poll waits for a job that never comes, on a connection of its own.
            List<CompletableFuture<HttpResponse<String>>> polls = IntStream.range(0, POLLS)
                    .mapToObj(i -> call(http, server, "PollForJobs", "{\"actionTypeId\":" + actionType + ",\"maxBatchSize\":1}"))
                    .toList();
            dev.conveyor.testkit.Await.await(server::requestsInFlight, inFlight -> inFlight >= POLLS, Duration.ofSeconds(20),
                    "every poll to be in the server");

            long started = System.nanoTime();
            HttpResponse<String> list = call(http, server, "ListPipelines", "{}").join();
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered while %d polls wait", POLLS)
                    .isLessThan(Duration.ofSeconds(2));

            assertThat(polls).allSatisfy(poll -> {
                HttpResponse<String> answer = poll.join();
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("\"jobs\":[]");
            });
        }
    }

    private static CompletableFuture<HttpResponse<String>> call(HttpClient http, ConveyorServer server, String operation, String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(server.endpoint())).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "CodePipeline_20150709." + operation)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
