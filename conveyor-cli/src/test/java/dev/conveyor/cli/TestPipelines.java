package dev.conveyor.cli;

import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3Exception;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStoreType;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;

/**
 * Builders for pipelines that really run on the embedded agent (an S3 source from the server's object store,
 * Commands on the host shell, manual approvals).
 */
final class TestPipelines {
    static final String SOURCE_BUCKET = "cli-test-sources";
    static final String SOURCE_KEY = "app.zip";

    private TestPipelines() {
    }

    /** Puts a zip with one small file as the source object, once per server. */
    static void putSource(ObjectStore objects) {
        try {
            objects.headBucket(SOURCE_BUCKET);
            return;
        } catch (S3Exception missing) {
            objects.createBucket(SOURCE_BUCKET);
            objects.setVersioning(SOURCE_BUCKET, true);
        }
        try {
            Path dir = Files.createTempDirectory("cli-source-");
            Files.writeString(dir.resolve("app.txt"), "version one\n");
            Path zip = Files.createTempFile("cli-source-", ".zip");
            Files.delete(zip);
            ZipArchives.zip(dir, zip);
            try (InputStream in = Files.newInputStream(zip)) {
                objects.putObject(SOURCE_BUCKET, SOURCE_KEY, ObjectWrite.plain().withLength(Files.size(zip)), in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ActionTypeId type(ActionCategory category, String provider) {
        return ActionTypeId.builder().category(category).owner(ActionOwner.AWS).provider(provider).version("1").build();
    }

    /** A Commands action over the source artifact. */
    static ActionDeclaration commands(String name, String... commands) {
        return ActionDeclaration.builder().name(name).actionTypeId(type(ActionCategory.COMPUTE, "Commands"))
                .commands(Arrays.asList(commands)).inputArtifacts(InputArtifact.builder().name("SourceOutput").build())
                .runOrder(1).build();
    }

    static ActionDeclaration approval(String name) {
        return ActionDeclaration.builder().name(name).actionTypeId(type(ActionCategory.APPROVAL, "Manual"))
                .configuration(Map.of("CustomData", "Ship it?")).runOrder(1).build();
    }

    static StageDeclaration stage(String name, ActionDeclaration... actions) {
        return StageDeclaration.builder().name(name).actions(actions).build();
    }

    /**
     * A pipeline that has not run: creating a pipeline starts it, as in CodePipeline, unless a variable without a
     * default value leaves that first execution nothing to start with.
     */
    static PipelineDeclaration neverRun(PipelineDeclaration pipeline) {
        return pipeline.toBuilder().variables(v -> v.name("RELEASE")).build();
    }

    /** The execution creating the pipeline started (trigger CreatePipeline). */
    static String createdExecution(software.amazon.awssdk.services.codepipeline.CodePipelineClient client, String pipeline) {
        return client.listPipelineExecutions(r -> r.pipelineName(pipeline)).pipelineExecutionSummaries().stream()
                .filter(e -> "CreatePipeline".equals(e.trigger().triggerTypeAsString())).findFirst()
                .orElseThrow(() -> new AssertionError("creating " + pipeline + " started no execution")).pipelineExecutionId();
    }

    /** A V2 pipeline: the S3 source stage, then {@code stages}. */
    static PipelineDeclaration pipeline(String name, StageDeclaration... stages) {
        StageDeclaration source = stage("Source", ActionDeclaration.builder().name("Source").actionTypeId(type(ActionCategory.SOURCE, "S3"))
                .configuration(Map.of("S3Bucket", SOURCE_BUCKET, "S3ObjectKey", SOURCE_KEY, "PollForSourceChanges", "false"))
                .outputArtifacts(OutputArtifact.builder().name("SourceOutput").build()).runOrder(1).build());
        StageDeclaration[] all = new StageDeclaration[stages.length + 1];
        all[0] = source;
        System.arraycopy(stages, 0, all, 1, stages.length);
        return PipelineDeclaration.builder().name(name).pipelineType("V2").executionMode("QUEUED")
                .roleArn("arn:aws:iam::000000000000:role/conveyor")
                .artifactStore(a -> a.type(ArtifactStoreType.S3).location("cli-test-artifacts"))
                .stages(all).build();
    }
}
