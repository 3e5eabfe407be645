package dev.conveyor.cli;

import static dev.conveyor.cli.TestPipelines.commands;
import static dev.conveyor.cli.TestPipelines.pipeline;
import static dev.conveyor.cli.TestPipelines.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.cli.demo.DemoPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;

/** {@code conveyor run}, with and without {@code --watch}, against a real server. */
class RunCommandTest {
    @RegisterExtension
    static final CliServer server = CliServer.perClass();

    @BeforeAll
    static void putSourceAndDemo() throws InterruptedException {
        TestPipelines.putSource(server.server().objects());
        DemoPipeline.install(server.server(), server.dataDir());
    }

    static String executionId(CliServer.Result result) {
        Matcher m = Pattern.compile("Started execution (\\S+) of").matcher(result.out());
        assertThat(m.find()).as(result.toString()).isTrue();
        return m.group(1);
    }

    @Test
    void watchingTheDemoShowsEveryStageAndExitsZeroWhenItSucceeds() throws Exception {
        CliServer.Result result = server.conveyor("run", DemoPipeline.NAME, "--watch", "--var", "GREETING=Bonjour");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String id = executionId(result);
        assertThat(result.out()).containsPattern("Source/Source +Succeeded +Amazon S3 version id")
                .containsPattern("Build/Build +Succeeded")
                .containsPattern("Test/SmokeTest +Succeeded")
                .containsPattern("Deploy/Deploy +Succeeded")
                .contains("Execution " + id + " Succeeded");
        for (String stage : new String[] {"Source", "Build", "Test", "Deploy"}) {
            assertThat(result.out()).as("stage " + stage).containsPattern("\\d\\d:\\d\\d:\\d\\d  " + stage + " +Succeeded");
        }
        assertThat(result.out()).as("plain output when not on a terminal").doesNotContain("\u001b[");
        PipelineExecution execution = server.client().getPipelineExecution(r -> r.pipelineName(DemoPipeline.NAME).pipelineExecutionId(id))
                .pipelineExecution();
        assertThat(execution.variables()).anySatisfy(v -> assertThat(v.resolvedValue()).isEqualTo("Bonjour"));
        Path deployed = DemoPipeline.deployRoot(server.dataDir()).resolve("current");
        assertThat(Files.readString(deployed.resolve("VERSION")).strip()).isEqualTo("1.0.0-" + id.substring(0, 8));
    }

    @Test
    void watchingAFailingExecutionExitsNonZeroAndSaysWhyAndWhereTheLogsAre() {
        server.client().createPipeline(r -> r.pipeline(pipeline("run-failing",
                stage("Build", commands("Build", "echo about to fail", "exit 3")),
                stage("Deploy", commands("Deploy", "true")))));

        CliServer.Result result = server.conveyor("run", "run-failing", "--watch");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        String id = executionId(result);
        assertThat(result.out()).containsPattern("Build/Build +Failed +Command 2 failed with exit code 3")
                .contains("Execution " + id + " Failed")
                .contains("bin/conveyor logs run-failing --execution " + id)
                .doesNotContain("Deploy/Deploy");
    }

    @Test
    void runningWithoutWatchingStartsTheExecutionAndSaysHowToFollowIt() {
        server.client().createPipeline(r -> r.pipeline(pipeline("run-quiet", stage("Build", commands("Build", "true")))));

        CliServer.Result result = server.conveyor("run", "run-quiet");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String id = executionId(result);
        assertThat(server.client().getPipelineExecution(r -> r.pipelineName("run-quiet").pipelineExecutionId(id)).pipelineExecution()
                .status()).isIn(PipelineExecutionStatus.IN_PROGRESS, PipelineExecutionStatus.SUCCEEDED);
        assertThat(result.out()).contains("bin/conveyor logs run-quiet --follow --endpoint " + server.endpoint());
    }

    @Test
    void anUndeclaredVariableIsRefusedWithTheApiErrorOnOneLine() {
        server.client().createPipeline(r -> r.pipeline(pipeline("run-vars", stage("Build", commands("Build", "true")))));

        CliServer.Result result = server.conveyor("run", "run-vars", "--var", "NOT_DECLARED=x");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("conveyor: ValidationException: ").contains("NOT_DECLARED");
        assertThat(result.err().lines()).hasSize(1);
    }
}
