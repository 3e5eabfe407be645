package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.FailureType;
import software.amazon.awssdk.services.codepipeline.model.InvalidJobStateException;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.Job;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;

/**
 * Issue 19: a job queued by one replica wakes the long polls waiting on another, through the change feed; its result
 * is taken on the replica that did not queue it (issue 20: only the queuing replica remembers whose job it is).
 */
class ReplicasWakeLongPollsTest {
    private static final ActionTypeId SOURCE = ActionTypeId.builder().category(ActionCategory.SOURCE).owner(ActionOwner.CUSTOM)
            .provider("AcmeSource").version("1").build();

    @TempDir
    Path dir;

    @Test
    void aJobQueuedOnOneReplicaWakesThePollsOfAnotherAndIsPolledThere() {
        String url = TestDatabases.freshUrl("postgresql");
        try (ConveyorServer first = new ConveyorServer(ServerConfig.embedded(dir.resolve("a"), 0).withAuth(ServerConfig.AuthSettings.administrator(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)).withDatabaseUrl(url)).start();
             ConveyorServer second = new ConveyorServer(ServerConfig.embedded(dir.resolve("b"), 0).withAuth(ServerConfig.AuthSettings.administrator(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)).withDatabaseUrl(url)).start();
             CodePipelineClient onFirst = ServerFixture.sdkClient(CodePipelineClient.builder(), first.endpoint());
             CodePipelineClient onSecond = ServerFixture.sdkClient(CodePipelineClient.builder(), second.endpoint())) {
            onFirst.createCustomActionType(r -> r.category(ActionCategory.SOURCE).provider("AcmeSource").version("1")
                    .inputArtifactDetails(d -> d.minimumCount(0).maximumCount(0))
                    .outputArtifactDetails(d -> d.minimumCount(1).maximumCount(1)));
            long before = second.engine().jobSignal().generation();

            PipelineDeclaration fixture = ExecutionFixtures.pipeline("woken", "QUEUED",
                    ExecutionFixtures.stage("Approve", ExecutionFixtures.approval("Approve")));
            // The fixture's S3 source replaced by a custom source: its job waits for a job worker.
            PipelineDeclaration pipeline = fixture.toBuilder().stages(ExecutionFixtures.stage("Source", ActionDeclaration.builder()
                    .name("Source").actionTypeId(SOURCE).outputArtifacts(OutputArtifact.builder().name("Out").build()).build()),
                    fixture.stages().get(1)).build();
            onFirst.createPipeline(r -> r.pipeline(pipeline));

            // Only the first replica queued the job; the second hears of it from PostgreSQL's NOTIFY.
            Await.await(() -> second.engine().jobSignal().generation(), g -> g > before, Duration.ofSeconds(10),
                    "the second replica's job waiters to be woken");
            List<Job> jobs = onSecond.pollForJobs(r -> r.actionTypeId(SOURCE).maxBatchSize(1)).jobs();
            assertThat(jobs).hasSize(1);
            assertThat(jobs.getFirst().data().pipelineContext().pipelineName()).isEqualTo("woken");

            // Its result is taken on the second replica, which did not queue it (and so looks up whose job it is).
            String jobId = jobs.getFirst().id();
            onSecond.acknowledgeJob(r -> r.jobId(jobId).nonce(jobs.getFirst().nonce()));
            onSecond.putJobFailureResult(r -> r.jobId(jobId).failureDetails(f -> f.type(FailureType.JOB_FAILED).message("no change found")));
            var source = Await.await(() -> onFirst.getPipelineState(r -> r.name("woken")).stageStates().getFirst().actionStates().getFirst(),
                    a -> a.latestExecution() != null && a.latestExecution().status() == ActionExecutionStatus.FAILED,
                    Duration.ofSeconds(10), "the source action to fail with the worker's result");
            assertThat(source.latestExecution().errorDetails().message()).isEqualTo("no change found");
            // The first replica, which queued the job and remembers whose it is, refuses a second result all the same.
            assertThatThrownBy(() -> onFirst.putJobSuccessResult(r -> r.jobId(jobId)))
                    .isInstanceOf(InvalidJobStateException.class).hasMessageContaining(jobId);
        }
    }
}
