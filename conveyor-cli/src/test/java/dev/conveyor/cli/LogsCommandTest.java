package dev.conveyor.cli;

import static dev.conveyor.cli.TestPipelines.commands;
import static dev.conveyor.cli.TestPipelines.pipeline;
import static dev.conveyor.cli.TestPipelines.stage;
import static dev.conveyor.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;

/** {@code conveyor logs}: the action logs of an execution, as they are and followed live. */
class LogsCommandTest {
    @RegisterExtension
    static final CliServer server = CliServer.perClass();

    @BeforeAll
    static void putSource() {
        TestPipelines.putSource(server.server().objects());
    }

    private static PipelineExecutionStatus awaitSettled(String name, String id) {
        return await(() -> server.client().getPipelineExecution(r -> r.pipelineName(name).pipelineExecutionId(id)).pipelineExecution().status(),
                s -> s != PipelineExecutionStatus.IN_PROGRESS && s != PipelineExecutionStatus.STOPPING, Duration.ofSeconds(30),
                "execution " + id + " to settle");
    }

    @Test
    void printsWhatTheCommandsEchoedPrefixedByStageAndAction() {
        server.client().createPipeline(r -> r.pipeline(pipeline("echoes",
                stage("Build", commands("Compile", "echo hello from the build", "printf 'no newline at the end'")),
                stage("Deploy", commands("Ship", "echo shipped")))));
        String id = RunCommandTest.executionId(server.conveyor("run", "echoes"));
        assertThat(awaitSettled("echoes", id)).isEqualTo(PipelineExecutionStatus.SUCCEEDED);

        CliServer.Result result = server.conveyor("logs", "echoes");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("Build/Compile | $ echo hello from the build\nBuild/Compile | hello from the build\n")
                .contains("Build/Compile | no newline at the end\n")
                .contains("Deploy/Ship   | shipped\n")
                .containsPattern("Source/Source +\\| Reading s3://");
        assertThat(result.out().indexOf("Build/Compile")).as("actions in the order they ran").isLessThan(result.out().indexOf("Deploy/Ship"));
        assertThat(result.err()).contains("Logs of echoes execution " + id + " (Succeeded)");

        CliServer.Result onlyDeploy = server.conveyor("logs", "echoes", "--execution", id, "--stage", "Deploy");
        assertThat(onlyDeploy.out()).contains("Deploy/Ship").doesNotContain("Build/Compile").doesNotContain("Source/Source");

        CliServer.Result unknownAction = server.conveyor("logs", "echoes", "--action", "Nope");
        assertThat(unknownAction.exitCode()).isEqualTo(1);
        assertThat(unknownAction.err()).isEqualTo("conveyor: pipeline echoes has no action Nope (its actions: Source, Compile, Ship)\n");
    }

    @Test
    void followingPrintsNewOutputAndLaterActionsAndEndsWhenTheExecutionSettles() throws Exception {
        server.client().createPipeline(r -> r.pipeline(pipeline("follow",
                stage("Build", commands("Build", "echo building", "sleep 3", "echo built")),
                stage("Deploy", commands("Deploy", "echo deploying")))));
        String id = RunCommandTest.executionId(server.conveyor("run", "follow"));

        CompletableFuture<CliServer.Result> following = CompletableFuture.supplyAsync(() -> server.conveyor("logs", "follow", "--follow"));
        CliServer.Result result = following.get(60, TimeUnit.SECONDS);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).as("it started before the execution settled")
                .contains("Logs of follow execution " + id + " (InProgress), following until it settles")
                .contains("Execution " + id + " Succeeded");
        assertThat(server.client().getPipelineExecution(r -> r.pipelineName("follow").pipelineExecutionId(id)).pipelineExecution().status())
                .as("it ended once the execution settled").isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(result.out()).contains("Build/Build   | building\n").contains("Build/Build   | built\n")
                .contains("Deploy/Deploy | deploying\n");
    }

    @Test
    void aPipelineThatNeverRanSaysHowToStartIt() {
        server.client().createPipeline(r -> r.pipeline(TestPipelines.neverRun(pipeline("never-ran", stage("Build", commands("Build", "true"))))));
        assertThat(server.client().listPipelineExecutions(r -> r.pipelineName("never-ran")).pipelineExecutionSummaries()).isEmpty();

        CliServer.Result result = server.conveyor("logs", "never-ran");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("conveyor: pipeline never-ran has not run yet: start it with bin/conveyor run never-ran --endpoint "
                + server.endpoint() + "\n");
    }
}
