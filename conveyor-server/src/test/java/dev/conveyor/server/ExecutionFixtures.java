package dev.conveyor.server;

import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStore;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStoreType;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;

/**
 * Builders for pipelines that really run on the embedded agent: an S3 source read from the server's own object
 * store, Commands actions on the host shell, manual approvals.
 */
final class ExecutionFixtures {
    static final String SOURCE_BUCKET = "conveyor-test-sources";
    static final String SOURCE_KEY = "app.zip";

    private ExecutionFixtures() {
    }

    /** Puts a zip holding {@code files} (name → content) as the source object; returns its version. */
    static ObjectVersion putSource(ObjectStore objects, Map<String, String> files) {
        return putSource(objects, SOURCE_KEY, files);
    }

    /** Puts a zip holding {@code files} as source object {@code key} (a pipeline of its own, triggered by nothing else). */
    static ObjectVersion putSource(ObjectStore objects, String key, Map<String, String> files) {
        try {
            Path dir = Files.createTempDirectory("source-");
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue());
            }
            Path zip = Files.createTempFile("source-", ".zip");
            Files.delete(zip);
            ZipArchives.zip(dir, zip);
            try {
                objects.headBucket(SOURCE_BUCKET);
            } catch (RuntimeException missing) {
                objects.createBucket(SOURCE_BUCKET);
                objects.setVersioning(SOURCE_BUCKET, true);
            }
            try (InputStream in = Files.newInputStream(zip)) {
                return objects.putObject(SOURCE_BUCKET, key, ObjectWrite.plain().withLength(Files.size(zip)), in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ActionDeclaration source() {
        return source(SOURCE_KEY);
    }

    static ActionDeclaration source(String key) {
        return ActionDeclaration.builder().name("Source").actionTypeId(SamplePipelines.type(ActionCategory.SOURCE, "S3"))
                .configuration(Map.of("S3Bucket", SOURCE_BUCKET, "S3ObjectKey", key, "PollForSourceChanges", "false"))
                .outputArtifacts(OutputArtifact.builder().name("SourceOutput").build())
                .namespace("SourceVariables").runOrder(1).build();
    }

    /** A Commands action over the source artifact. */
    static ActionDeclaration commands(String name, int runOrder, String... commands) {
        return ActionDeclaration.builder().name(name).actionTypeId(SamplePipelines.type(ActionCategory.COMPUTE, "Commands"))
                .commands(Arrays.asList(commands)).inputArtifacts(InputArtifact.builder().name("SourceOutput").build())
                .runOrder(runOrder).build();
    }

    static ActionDeclaration approval(String name) {
        return ActionDeclaration.builder().name(name).actionTypeId(SamplePipelines.type(ActionCategory.APPROVAL, "Manual"))
                .configuration(Map.of("CustomData", "Ship it?", "ExternalEntityLink", "https://example.com/release-notes"))
                .runOrder(1).build();
    }

    static StageDeclaration stage(String name, ActionDeclaration... actions) {
        return StageDeclaration.builder().name(name).actions(actions).build();
    }

    /** A V2 pipeline with the S3 source stage followed by {@code stages}. */
    static PipelineDeclaration pipeline(String name, String executionMode, StageDeclaration... stages) {
        StageDeclaration[] all = new StageDeclaration[stages.length + 1];
        all[0] = stage("Source", source());
        System.arraycopy(stages, 0, all, 1, stages.length);
        return PipelineDeclaration.builder().name(name).pipelineType("V2").executionMode(executionMode)
                .roleArn("arn:aws:iam::111111111111:role/conveyor")
                .artifactStore(ArtifactStore.builder().type(ArtifactStoreType.S3).location("conveyor-test-artifacts").build())
                .stages(all).build();
    }

    static PipelineExecution execution(CodePipelineClient client, String pipeline, String id) {
        return client.getPipelineExecution(r -> r.pipelineName(pipeline).pipelineExecutionId(id)).pipelineExecution();
    }

    /** The execution that creating the pipeline started (trigger CreatePipeline), as CodePipeline starts one. */
    static String createdExecution(CodePipelineClient client, String pipeline) {
        return client.listPipelineExecutions(r -> r.pipelineName(pipeline)).pipelineExecutionSummaries().stream()
                .filter(e -> "CreatePipeline".equals(e.trigger().triggerTypeAsString())).findFirst()
                .orElseThrow(() -> new AssertionError("creating " + pipeline + " started no execution"))
                .pipelineExecutionId();
    }

    /** Waits until the execution is no longer InProgress or Stopping and returns it. */
    static PipelineExecution awaitSettled(CodePipelineClient client, String pipeline, String id) {
        return Await.await(() -> execution(client, pipeline, id),
                e -> !List.of(PipelineExecutionStatus.IN_PROGRESS, PipelineExecutionStatus.STOPPING).contains(e.status()),
                Duration.ofSeconds(60), "execution " + id + " to settle");
    }
}
