package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.codepipeline.model.ActionNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStoreType;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.codepipeline.model.PutActionRevisionResponse;
import software.amazon.awssdk.services.codepipeline.model.StageNotFoundException;

/**
 * S3 sources started by a put of their object (event-driven) or by the poller, and PutActionRevision: a new
 * revision starts the pipeline pinned to it, the same revision again starts nothing.
 */
class ActionRevisionApiTest extends ServerApiTest {
    @TempDir
    Path work;

    private ObjectVersion put(String bucket, String key, String content) throws Exception {
        ObjectStore objects = fixture.server().objects();
        try {
            objects.headBucket(bucket);
        } catch (RuntimeException missing) {
            objects.createBucket(bucket);
            objects.setVersioning(bucket, true);
        }
        Path dir = Files.createTempDirectory(work, "zip-");
        Files.writeString(dir.resolve("app.txt"), content);
        Path zip = work.resolve("source-" + System.nanoTime() + ".zip");
        ZipArchives.zip(dir, zip);
        try (InputStream in = Files.newInputStream(zip)) {
            return objects.putObject(bucket, key, ObjectWrite.plain().withLength(Files.size(zip)), in);
        }
    }

    private static PipelineDeclaration s3Pipeline(String name, String bucket, boolean poll) {
        PipelineDeclaration base = ExecutionFixtures.pipeline(name, "QUEUED", stage("Build", commands("Build", 1, "cat app.txt")));
        var source = base.stages().getFirst().actions().getFirst().toBuilder()
                .configuration(Map.of("S3Bucket", bucket, "S3ObjectKey", "app.zip", "PollForSourceChanges", Boolean.toString(poll)))
                .outputArtifacts(OutputArtifact.builder().name("SourceOutput").build()).build();
        return base.toBuilder().stages(base.stages().getFirst().toBuilder().actions(source).build(), base.stages().get(1))
                .artifactStore(s -> s.type(ArtifactStoreType.S3).location("conveyor-test-artifacts")).build();
    }

    @Test
    void aPutOfTheWatchedObjectStartsTheEventDrivenPipelineWithThatVersion() throws Exception {
        String bucket = "events-" + databaseKind;
        put(bucket, "app.zip", "one");
        client().createPipeline(r -> r.pipeline(s3Pipeline("s3-events-" + databaseKind, bucket, false)));
        client().createPipeline(r -> r.pipeline(s3Pipeline("s3-polled-" + databaseKind, bucket, true)));
        put(bucket, "other.zip", "not watched");

        ObjectVersion two = put(bucket, "app.zip", "two");

        assertThat(executionsSinceCreation("s3-polled-" + databaseKind)).as("a polling source waits for the poller").isEmpty();
        PipelineExecutionSummary run = executionsSinceCreation("s3-events-" + databaseKind).getFirst();
        assertThat(executionsSinceCreation("s3-events-" + databaseKind)).hasSize(1);
        assertThat(run.trigger().triggerTypeAsString()).isEqualTo("CloudWatchEvent");
        assertThat(run.trigger().triggerDetail()).isEqualTo("arn:aws:s3:::" + bucket + "/app.zip " + two.versionId());
        PipelineExecution done = awaitSettled(client(), "s3-events-" + databaseKind, run.pipelineExecutionId());
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.artifactRevisions().getFirst().revisionId()).isEqualTo(two.versionId());

        var poller = fixture.server().sources().poller();
        poller.pollOnce();
        ObjectVersion three = put(bucket, "app.zip", "three");
        poller.pollOnce();
        assertThat(executionsSinceCreation("s3-polled-" + databaseKind)).singleElement().satisfies(e -> {
            assertThat(e.trigger().triggerTypeAsString()).isEqualTo("PollForSourceChanges");
            assertThat(awaitSettled(client(), "s3-polled-" + databaseKind, e.pipelineExecutionId()).artifactRevisions().getFirst()
                    .revisionId()).isEqualTo(three.versionId());
        });
    }

    @Test
    void putActionRevisionStartsThePipelineForANewRevisionOnly() throws Exception {
        String bucket = "revisions-" + databaseKind;
        ObjectVersion one = put(bucket, "app.zip", "one");
        put(bucket, "app.zip", "two");
        String pipeline = "revised-" + databaseKind;
        client().createPipeline(r -> r.pipeline(s3Pipeline(pipeline, bucket, true)));

        PutActionRevisionResponse first = client().putActionRevision(r -> r.pipelineName(pipeline).stageName("Source").actionName("Source")
                .actionRevision(a -> a.revisionId(one.versionId()).revisionChangeId("change-1").created(Instant.now())));
        assertThat(first.newRevision()).isTrue();
        assertThat(first.pipelineExecutionId()).isNotNull();
        PutActionRevisionResponse again = client().putActionRevision(r -> r.pipelineName(pipeline).stageName("Source").actionName("Source")
                .actionRevision(a -> a.revisionId(one.versionId()).revisionChangeId("change-1").created(Instant.now())));
        assertThat(again.newRevision()).isFalse();
        assertThat(executionsSinceCreation(pipeline)).singleElement().satisfies(e -> {
            assertThat(e.trigger().triggerTypeAsString()).isEqualTo("PutActionRevision");
            assertThat(e.trigger().triggerDetail()).contains(one.versionId());
        });
        PipelineExecution done = awaitSettled(client(), pipeline, first.pipelineExecutionId());
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.artifactRevisions().getFirst().revisionId()).as("pinned to the put revision, not the latest").isEqualTo(one.versionId());

        assertThatThrownBy(() -> client().putActionRevision(r -> r.pipelineName(pipeline).stageName("Nope").actionName("Source")
                .actionRevision(a -> a.revisionId("x").revisionChangeId("x").created(Instant.now())))).isInstanceOf(StageNotFoundException.class);
        assertThatThrownBy(() -> client().putActionRevision(r -> r.pipelineName(pipeline).stageName("Source").actionName("Nope")
                .actionRevision(a -> a.revisionId("x").revisionChangeId("x").created(Instant.now())))).isInstanceOf(ActionNotFoundException.class);
    }
}
