package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static dev.conveyor.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.Result;
import software.amazon.awssdk.services.codepipeline.model.RuleExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.RuleExecutionStatus;

/**
 * A rule's timeoutInMinutes (5 at least, as the model says) is enforced by the engine's timers: a server whose clock
 * the test moves on fails a deployment window that has not opened once its timeout has passed, and the stage's entry
 * condition with it. Requests are signed with the real time, so the clock is moved back before the API is asked.
 */
class RuleTimeoutTest {
    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aRuleThatOutlivesItsTimeoutFailsAndItsConditionWithIt(String kind) throws Exception {
        MovableClock clock = MovableClock.runningFromNow();
        Path dataDir = Files.createTempDirectory("conveyor-rule-timeout-");
        ServerConfig config = ServerConfig.embedded(dataDir, 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))
                .withEngine(new ServerConfig.EngineSettings(true, 8, Duration.ofMinutes(30), Duration.ofMinutes(30), Duration.ofMillis(200)));
        if (!"h2".equals(kind)) {
            config = config.withDatabaseUrl(TestDatabases.freshUrl(kind));
        }
        try (ConveyorServer server = new ConveyorServer(config, clock).start();
             CodePipelineClient client = ServerFixture.sdkClient(CodePipelineClient.builder(), server.endpoint())) {
            ExecutionFixtures.putSource(server.objects(), Map.of("app.txt", "x\n"));
            int nextYear = ZonedDateTime.now(ZoneOffset.UTC).getYear() + 1;
            client.createPipeline(r -> r.pipeline(pipeline("timeout", "QUEUED",
                    StageConditionsApiTest.beforeEntry(stage("Deploy", commands("Deploy", 1, "true")), Result.FAIL,
                            StageConditionsApiTest.rule("NewYear", "DeploymentWindow", Map.of("Cron", "* 0 0 1 1 ? " + nextYear))
                                    .toBuilder().timeoutInMinutes(5).build()))));
            String id = ExecutionFixtures.createdExecution(client, "timeout");
            // Waiting, once its provider looked at it (before that, the timeout would find nothing to say about it).
            await(() -> client.getPipelineState(r -> r.name("timeout")).stageStates().stream()
                            .filter(s -> s.stageName().equals("Deploy") && s.beforeEntryConditionState() != null).findFirst()
                            .map(s -> s.beforeEntryConditionState().conditionStates().getFirst().ruleStates().getFirst().latestExecution())
                            .orElse(null),
                    rule -> rule != null && rule.status() == RuleExecutionStatus.IN_PROGRESS && rule.summary() != null,
                    Duration.ofSeconds(30), "the rule to wait for its window");

            clock.setOffset(Duration.ofMinutes(6));
            await(() -> server.queries().executionById(id).status(), s -> s.isSettled(), Duration.ofSeconds(30),
                    "the timers to time the rule out");
            clock.setOffset(Duration.ZERO);

            PipelineExecution failed = ExecutionFixtures.execution(client, "timeout", id);
            assertThat(failed.status()).isEqualTo(PipelineExecutionStatus.FAILED);
            assertThat(failed.statusSummary()).contains("entry condition of stage 'Deploy'").contains("timed out");
            RuleExecutionDetail rule = client.listRuleExecutions(r -> r.pipelineName("timeout")).ruleExecutionDetails().getFirst();
            assertThat(rule.status()).isEqualTo(RuleExecutionStatus.FAILED);
            assertThat(rule.output().executionResult().errorDetails().message())
                    .contains("did not finish within 5 minutes and timed out").contains("Waiting for the deployment window");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aCommandsRuleThatOutlivesItsTimeoutFailsAndItsJobIsStopped(String kind) throws Exception {
        MovableClock clock = MovableClock.runningFromNow();
        Path dataDir = Files.createTempDirectory("conveyor-rule-timeout-");
        ServerConfig config = ServerConfig.embedded(dataDir, 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))
                .withEngine(new ServerConfig.EngineSettings(true, 8, Duration.ofMinutes(30), Duration.ofMinutes(30), Duration.ofMillis(200)));
        if (!"h2".equals(kind)) {
            config = config.withDatabaseUrl(TestDatabases.freshUrl(kind));
        }
        try (ConveyorServer server = new ConveyorServer(config, clock).start();
             CodePipelineClient client = ServerFixture.sdkClient(CodePipelineClient.builder(), server.endpoint())) {
            ExecutionFixtures.putSource(server.objects(), Map.of("app.txt", "x\n"));
            client.createPipeline(r -> r.pipeline(pipeline("slow-rule", "QUEUED",
                    StageConditionsApiTest.beforeEntry(stage("Deploy", commands("Deploy", 1, "true")), Result.FAIL,
                            StageConditionsApiTest.rule("Slow", "Commands", Map.of()).toBuilder().commands("sleep 600")
                                    .timeoutInMinutes(5).build()))));
            String id = ExecutionFixtures.createdExecution(client, "slow-rule");
            RuleExecutionDetail running = await(() -> client.listRuleExecutions(r -> r.pipelineName("slow-rule")).ruleExecutionDetails(),
                    rules -> !rules.isEmpty(), Duration.ofSeconds(30), "the rule to start").getFirst();
            Path log = server.engine().config().logsDir().resolve(id).resolve(running.ruleExecutionId() + ".log");
            await(() -> Files.exists(log) && read(log).contains("$ sleep 600"), Boolean::booleanValue, Duration.ofSeconds(30),
                    "the agent to run the rule's commands");

            clock.setOffset(Duration.ofMinutes(6));
            await(() -> server.queries().executionById(id).status(), s -> s.isSettled(), Duration.ofSeconds(30),
                    "the timers to time the rule out");
            clock.setOffset(Duration.ZERO);

            assertThat(ExecutionFixtures.execution(client, "slow-rule", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
            RuleExecutionDetail rule = client.listRuleExecutions(r -> r.pipelineName("slow-rule")).ruleExecutionDetails().getFirst();
            assertThat(rule.status()).isEqualTo(RuleExecutionStatus.FAILED);
            assertThat(rule.output().executionResult().errorDetails().message())
                    .isEqualTo("The rule did not finish within 5 minutes and timed out: the worker running its job reported no result "
                            + "and was told to stop");
            // The job is failed with the rule, so the agent's next lease renewal is refused and it stops the commands.
            assertThat(server.queries().jobsOfRule(running.ruleExecutionId())).singleElement().satisfies(job -> {
                assertThat(job.status()).isEqualTo(dev.conveyor.model.execution.JobStatus.Failed);
                assertThat(job.workerId()).as("the embedded agent ran it").startsWith("embedded@");
                assertThat(server.engine().renewLease(job.id(), job.workerId(), Duration.ofMinutes(1))).isFalse();
            });
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
