package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.testkit.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server with {@code --artifact-endpoint} on moto's S3 server, driven by the AWS CLI: S3 source →
 * CodeBuild action reading its input artifact, once with the source and a premade, never-versioned artifact bucket
 * in moto (the artifacts' version is then "null", which moto refuses to HEAD by id: the build failed in
 * DOWNLOAD_SOURCE with "no artifact at …"), once with the source put through Conveyor's own S3 endpoint and an
 * encrypted artifact bucket Conveyor makes itself.
 */
class MotoArtifactStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUILDSPEC = """
            version: 0.2
            phases:
              build:
                commands:
                  - test "$(cat greeting.txt)" = "hello from the external store"
                  - echo "read $(cat greeting.txt)"
                  - mkdir -p out && cp greeting.txt out/
            artifacts:
              base-directory: out
              files: ['**/*']
            """;

    @TempDir
    Path work;

    @Test
    void anS3SourceFeedsACodeBuildActionWithTheArtifactsInMoto() throws Exception {
        try (MotoServer moto = MotoServer.start();
             ConveyorProcess server = ConveyorProcess.start(List.of("-Daws.accessKeyId=testing", "-Daws.secretAccessKey=testing"),
                     work.resolve("data"), "--artifact-endpoint", moto.endpoint())) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            AwsCli motoCli = new AwsCli(moto.endpoint(), work);
            ConveyorCli conveyor = new ConveyorCli(server.endpoint(), work);
            aws.ok("codebuild", "create-project", "--name", "ext-build", "--service-role", "arn:aws:iam::111111111111:role/cb",
                    "--source", "file://" + write("source.json", JSON.createObjectNode().put("type", "CODEPIPELINE")
                            .put("buildspec", BUILDSPEC).toString()),
                    "--artifacts", "type=CODEPIPELINE", "--environment",
                    "type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL");

            // The failing case: source and a premade, unversioned artifact bucket in the external service itself.
            S3Sources.putZip(motoCli, work, "moto-sources", "app/src.zip", "greeting.txt", "hello from the external store");
            motoCli.succeed("s3", "mb", "s3://premade-artifacts");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + write("moto-src.json",
                    pipeline("ext-moto-src", "moto-sources", "app/src.zip", "premade-artifacts", null)));
            assertBuildReadItsInput(aws, motoCli, conveyor, "ext-moto-src", "premade-artifacts");

            // The source through Conveyor's S3 endpoint (so in moto too), under a key that needs encoding, and an
            // encrypted artifact bucket that Conveyor creates, versioned.
            S3Sources.putZip(aws, work, "conveyor-sources", "app/my src+1.zip", "greeting.txt", "hello from the external store");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + write("conveyor-src.json",
                    pipeline("ext-conveyor-src", "conveyor-sources", "app/my src+1.zip", "made-artifacts", "alias/ext-e2e")));
            assertBuildReadItsInput(aws, motoCli, conveyor, "ext-conveyor-src", "made-artifacts");
            assertThat(motoCli.ok("s3api", "get-bucket-versioning", "--bucket", "made-artifacts").path("Status").asText()).isEqualTo("Enabled");
            assertThat(server.terminate()).isIn(0, 143);
        }
    }

    /**
     * Follows the pipeline's one run: the build read the source's artifact, the action executions name artifacts that are
     * in the external service, and the build's output artifact is there too.
     */
    private void assertBuildReadItsInput(AwsCli aws, AwsCli motoCli, ConveyorCli conveyor, String pipeline, String artifactBucket)
            throws Exception {
        // The run is the one CreatePipeline started (as CodePipeline does): the only one, so the only build output.
        JsonNode runs = aws.ok("codepipeline", "list-pipeline-executions", "--pipeline-name", pipeline).get("pipelineExecutionSummaries");
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).at("/trigger/triggerType").asText()).isEqualTo("CreatePipeline");
        String id = runs.get(0).get("pipelineExecutionId").asText();
        JsonNode done = Executions.awaitSettled(aws, pipeline, id, Duration.ofSeconds(120));
        Map<String, JsonNode> actions = new HashMap<>();
        for (JsonNode detail : aws.ok("codepipeline", "list-action-executions", "--pipeline-name", pipeline,
                "--filter", "pipelineExecutionId=" + id).get("actionExecutionDetails")) {
            actions.put(detail.get("actionName").asText(), detail);
        }
        assertThat(done.get("status").asText()).as(actions.toString()).isEqualTo("Succeeded");

        JsonNode produced = actions.get("Src").at("/output/outputArtifacts/0/s3location");
        JsonNode consumed = actions.get("Build").at("/input/inputArtifacts/0/s3location");
        assertThat(consumed).isEqualTo(produced);
        assertThat(produced.get("bucket").asText()).isEqualTo(artifactBucket);
        assertThat(produced.get("key").asText()).startsWith(pipeline + "/SrcOut/");
        motoCli.ok("s3api", "head-object", "--bucket", artifactBucket, "--key", produced.get("key").asText());
        JsonNode output = actions.get("Build").at("/output/outputArtifacts/0/s3location");
        assertThat(motoCli.ok("s3api", "list-objects-v2", "--bucket", artifactBucket, "--prefix", pipeline + "/BuildOut/")
                .get("Contents")).extracting(o -> o.get("Key").asText()).containsExactly(output.get("key").asText());

        ConveyorCli.Result logs = conveyor.run("logs", pipeline, "--execution", id, "--stage", "Build");
        assertThat(logs.stdout()).as(logs.toString()).contains("read hello from the external store");
    }

    /** Source (S3) → Build (CodeBuild ext-build over the source), artifacts in {@code artifactBucket}. */
    private static String pipeline(String name, String sourceBucket, String sourceKey, String artifactBucket, String kmsKey) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode p = root.putObject("pipeline");
        p.put("name", name).put("roleArn", "arn:aws:iam::111111111111:role/conveyor").put("pipelineType", "V2");
        ObjectNode store = p.putObject("artifactStore").put("type", "S3").put("location", artifactBucket);
        if (kmsKey != null) {
            store.putObject("encryptionKey").put("id", kmsKey).put("type", "KMS");
        }
        ArrayNode stages = p.putArray("stages");
        ObjectNode source = action(stages.addObject().put("name", "Source").putArray("actions"), "Src", "Source", "S3");
        source.putObject("configuration").put("S3Bucket", sourceBucket).put("S3ObjectKey", sourceKey).put("PollForSourceChanges", "false");
        source.putArray("outputArtifacts").addObject().put("name", "SrcOut");
        ObjectNode build = action(stages.addObject().put("name", "Build").putArray("actions"), "Build", "Build", "CodeBuild");
        build.putObject("configuration").put("ProjectName", "ext-build");
        build.putArray("inputArtifacts").addObject().put("name", "SrcOut");
        build.putArray("outputArtifacts").addObject().put("name", "BuildOut");
        return root.toString();
    }

    private static ObjectNode action(ArrayNode actions, String name, String category, String provider) {
        ObjectNode action = actions.addObject().put("name", name);
        action.putObject("actionTypeId").put("category", category).put("owner", "AWS").put("provider", provider).put("version", "1");
        return action;
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(work.resolve(name), content);
    }
}
