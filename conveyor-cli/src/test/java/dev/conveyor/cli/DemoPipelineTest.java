package dev.conveyor.cli;

import static dev.conveyor.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.cli.demo.DemoPipeline;
import dev.conveyor.cli.demo.DemoSampleApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;

/** The demo of {@code server --demo}, installed in a server of this JVM. */
class DemoPipelineTest {
    @Test
    void theDemoIsSeededCreatedAndStartedOnceThenRunsEndToEnd() throws Exception {
        try (CliServer server = CliServer.start()) {
            DemoPipeline.Installation first = DemoPipeline.install(server.server(), server.dataDir());
            DemoPipeline.Installation again = DemoPipeline.install(server.server(), server.dataDir());

            assertThat(first.created()).isTrue();
            assertThat(first.executionId()).isNotNull();
            assertThat(again.created()).as("an existing demo is left alone").isFalse();
            assertThat(again.executionId()).as("and not started again").isNull();
            assertThat(server.server().objects().headObject(DemoSampleApp.BUCKET, DemoSampleApp.KEY, null)).isNotNull();

            PipelineExecutionSummary done = await(() -> server.client().listPipelineExecutions(r -> r.pipelineName(DemoPipeline.NAME))
                            .pipelineExecutionSummaries().getFirst(),
                    e -> e.status() != PipelineExecutionStatus.IN_PROGRESS, Duration.ofSeconds(60), "the demo's first execution");
            assertThat(done.pipelineExecutionId()).isEqualTo(first.executionId());
            assertThat(done.trigger().triggerTypeAsString()).as("started by its creation").isEqualTo("CreatePipeline");
            assertThat(done.status()).as(String.valueOf(done.statusSummary())).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
            assertThat(server.client().listPipelineExecutions(r -> r.pipelineName(DemoPipeline.NAME)).pipelineExecutionSummaries())
                    .as("the creation's execution is the only one: the demo does not start it a second time").hasSize(1);

            Path current = server.dataDir().resolve("demo-deployments").resolve("current");
            assertThat(Files.readString(current.resolve("VERSION")).strip()).isEqualTo("1.0.0-" + first.executionId().substring(0, 8));
            assertThat(current.resolve("greet.sh")).isRegularFile();
        }
    }
}
