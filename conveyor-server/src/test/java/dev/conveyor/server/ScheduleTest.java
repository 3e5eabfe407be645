package dev.conveyor.server;

import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestCredentials;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;

/**
 * Schedules (a Conveyor extension, docs/schedules.md): a pipeline tagged {@code conveyor:schedule} starts at each
 * occurrence exactly once, across restarts, with the trigger a scheduled EventBridge rule gives. Time is the
 * server's injectable clock, moved by the test.
 */
class ScheduleTest {
    /** The system clock plus an offset the test moves forward. */
    private static CodePipelineClient client(ConveyorServer server) {
        return ServerFixture.sdkClient(CodePipelineClient.builder(), server.endpoint());
    }

    /** The executions the pipeline's schedule started, newest first (its creation started one more, as in CodePipeline). */
    private static List<PipelineExecutionSummary> executions(CodePipelineClient client, String pipeline) {
        return client.listPipelineExecutions(r -> r.pipelineName(pipeline)).pipelineExecutionSummaries().stream()
                .filter(e -> !"CreatePipeline".equals(e.trigger().triggerTypeAsString())).toList();
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aTaggedPipelineStartsOncePerOccurrenceAcrossRestarts(String kind) throws Exception {
        MovableClock clock = MovableClock.runningFromNow();
        ServerConfig base = ServerConfig.embedded(Files.createTempDirectory("conveyor-schedule-"), 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))
                .withEngine(new ServerConfig.EngineSettings(true, 4, Duration.ofSeconds(2), Duration.ofMinutes(30), Duration.ofMillis(200)))
                .withSources(new ServerConfig.SourceSettings(null, Duration.ofHours(1), Duration.ofHours(1)));
        ServerConfig config = "h2".equals(kind) ? base : base.withDatabaseUrl(TestDatabases.freshUrl(kind));
        String arn = "arn:aws:codepipeline:us-east-1:000000000000:nightly";

        ConveyorServer server = new ConveyorServer(config, clock).start();
        try (CodePipelineClient client = client(server)) {
            ExecutionFixtures.putSource(server.objects(), Map.of("app.txt", "scheduled\n"));
            client.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("nightly", "QUEUED", stage("Build", commands("Build", 1, "true"))))
                    .tags(t -> t.key("conveyor:schedule").value("rate(10 minutes)")));
            client.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("broken", "QUEUED", stage("Build", commands("Build", 1, "true"))))
                    .tags(t -> t.key("conveyor:schedule").value("every full moon")));
            var schedules = server.sources().schedules();

            assertThat(schedules.runOnce()).as("the first look only computes the next occurrence").isZero();
            clock.advance(Duration.ofMinutes(5));
            assertThat(schedules.runOnce()).isZero();
            clock.advance(Duration.ofMinutes(6));
            assertThat(schedules.runOnce()).isEqualTo(1);
            assertThat(schedules.runOnce()).as("an occurrence starts once").isZero();
            PipelineExecutionSummary run = executions(client, "nightly").getFirst();
            assertThat(run.trigger().triggerTypeAsString()).isEqualTo("CloudWatchEvent");
            assertThat(run.trigger().triggerDetail()).startsWith("arn:aws:events:us-east-1:000000000000:rule/conveyor-schedule-nightly")
                    .contains("rate(10 minutes)");
            assertThat(awaitSettled(client, "nightly", run.pipelineExecutionId()).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
            assertThat(executions(client, "broken")).isEmpty();
        } finally {
            server.close();
        }

        // Down for an hour: the missed occurrences start once, then the schedule goes on from now.
        clock.advance(Duration.ofHours(1));
        server = new ConveyorServer(config, clock).start();
        try (CodePipelineClient client = client(server)) {
            var schedules = server.sources().schedules();
            schedules.runOnce(); // the server's own first look may have started it already: either way, once
            schedules.runOnce();
            assertThat(executions(client, "nightly")).hasSize(2);
            clock.advance(Duration.ofMinutes(11));
            assertThat(schedules.runOnce()).isEqualTo(1);

            client.untagResource(r -> r.resourceArn(arn).tagKeys("conveyor:schedule"));
            clock.advance(Duration.ofMinutes(11));
            assertThat(schedules.runOnce()).as("no tag, no schedule").isZero();
            assertThat(executions(client, "nightly")).hasSize(3);

            client.tagResource(r -> r.resourceArn(arn).tags(t -> t.key("conveyor:schedule").value("0 3 * * *"),
                    t -> t.key("conveyor:schedule-timezone").value("Europe/Paris")));
            schedules.runOnce();
            clock.advance(Duration.ofDays(1));
            assertThat(schedules.runOnce()).as("a cron schedule fires once a day here").isEqualTo(1);
        } finally {
            server.close();
        }
    }
}
