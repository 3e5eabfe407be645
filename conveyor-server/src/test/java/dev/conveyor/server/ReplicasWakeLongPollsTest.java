package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.Job;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;

/** Issue 19: a job queued by one replica wakes the long polls waiting on another, through the change feed. */
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
        }
    }
}
