package dev.conveyor.cli;

import static dev.conveyor.cli.TestPipelines.approval;
import static dev.conveyor.cli.TestPipelines.commands;
import static dev.conveyor.cli.TestPipelines.pipeline;
import static dev.conveyor.cli.TestPipelines.stage;
import static dev.conveyor.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;

/** {@code conveyor status}, {@code approve} and {@code reject} around a manual approval. */
class ApprovalCommandsTest {
    @RegisterExtension
    static final CliServer server = CliServer.perClass();

    @BeforeAll
    static void putSource() {
        TestPipelines.putSource(server.server().objects());
    }

    /** Creates a pipeline Source → Approve (Gate) → Deploy, which starts it, and waits until it waits for approval. */
    private static String startAndAwaitApproval(String name) {
        server.client().createPipeline(r -> r.pipeline(pipeline(name, stage("Approve", approval("Gate")),
                stage("Deploy", commands("Deploy", "echo deployed")))));
        String id = TestPipelines.createdExecution(server.client(), name);
        await(() -> server.client().getPipelineState(r -> r.name(name)).stageStates().get(1).actionStates().getFirst().latestExecution(),
                e -> e != null && e.token() != null, Duration.ofSeconds(30), "the approval to wait");
        return id;
    }

    private static PipelineExecution awaitSettled(String name, String id) {
        return await(() -> server.client().getPipelineExecution(r -> r.pipelineName(name).pipelineExecutionId(id)).pipelineExecution(),
                e -> e.status() != PipelineExecutionStatus.IN_PROGRESS && e.status() != PipelineExecutionStatus.STOPPING,
                Duration.ofSeconds(30), "execution " + id + " to settle");
    }

    @Test
    void statusShowsEveryStageAndActionAndThePendingApprovalWithTheCommandsThatAnswerIt() {
        String id = startAndAwaitApproval("status-approval");

        CliServer.Result result = server.conveyor("status", "status-approval");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("Pipeline status-approval, version 1")
                .contains("Latest execution " + id + " InProgress")
                .containsPattern("STAGE +EXECUTION +STATUS +ACTION +STATUS +CHANGED +SUMMARY")
                .containsPattern("Source +" + id.substring(0, 8) + " +Succeeded +Source +Succeeded .*Amazon S3 version id")
                .containsPattern("Approve +" + id.substring(0, 8) + " +InProgress +Gate +InProgress")
                .containsPattern("Deploy +- +Deploy +-")
                .contains("Waiting for approval:\n  Approve/Gate: Ship it?")
                .contains("bin/conveyor approve status-approval Approve Gate --endpoint " + server.endpoint() + " [--summary TEXT]")
                .contains("bin/conveyor reject status-approval Approve Gate --endpoint " + server.endpoint());
    }

    @Test
    void approvingLetsTheWaitingExecutionFinish() {
        String id = startAndAwaitApproval("approve-me");

        CliServer.Result result = server.conveyor("approve", "approve-me", "Approve", "Gate", "--summary", "looks good");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("Approved approve-me Approve/Gate in execution " + id);
        assertThat(awaitSettled("approve-me", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        List<ActionExecutionDetail> gate = server.client().listActionExecutions(r -> r.pipelineName("approve-me")
                .filter(f -> f.pipelineExecutionId(id))).actionExecutionDetails().stream().filter(a -> a.actionName().equals("Gate")).toList();
        assertThat(gate).singleElement().satisfies(a -> {
            assertThat(a.output().executionResult().externalExecutionSummary()).isEqualTo("looks good");
            assertThat(a.updatedBy()).as("who approved").contains(":user/");
        });
    }

    @Test
    void rejectingFailsTheExecutionWithTheSummaryGiven() {
        String id = startAndAwaitApproval("reject-me");

        CliServer.Result result = server.conveyor("reject", "reject-me", "Approve", "Gate", "--summary", "not today");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("Rejected reject-me Approve/Gate in execution " + id);
        PipelineExecution done = awaitSettled("reject-me", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(done.statusSummary()).contains("not today");
    }

    @Test
    void approvingWhereNothingWaitsSaysSoAndNamesWhatDoesWait() {
        server.client().createPipeline(r -> r.pipeline(TestPipelines.neverRun(pipeline("nothing-waits", stage("Approve", approval("Gate")),
                stage("Deploy", commands("Deploy", "true"))))));

        CliServer.Result before = server.conveyor("approve", "nothing-waits", "Approve", "Gate");
        assertThat(before.exitCode()).isEqualTo(1);
        assertThat(before.err()).isEqualTo("conveyor: nothing waits for approval at nothing-waits Approve/Gate (it has not run yet)\n");

        startAndAwaitApproval("elsewhere");
        CliServer.Result wrongAction = server.conveyor("approve", "elsewhere", "Deploy", "Deploy");
        assertThat(wrongAction.exitCode()).isEqualTo(1);
        assertThat(wrongAction.err()).startsWith("conveyor: nothing waits for approval at elsewhere Deploy/Deploy (it has not run yet)")
                .contains("waiting: bin/conveyor approve elsewhere Approve Gate");

        CliServer.Result unknownStage = server.conveyor("reject", "elsewhere", "Nope", "Gate");
        assertThat(unknownStage.err()).isEqualTo("conveyor: pipeline elsewhere has no stage Nope (its stages: Source, Approve, Deploy)\n");
    }
}
