package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A static site published by a pipeline, all through the unmodified AWS CLI against the packaged server: the site's
 * zip copied into a source bucket, a pipeline Source (S3) → Deploy ({@code Deploy/AWS/S3}, Extract true, ObjectKey
 * {@code www}), and {@code aws s3 ls} listing the extracted files, which {@code aws s3 cp} reads back.
 */
class AwsCliS3DeployTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void aPipelineExtractsItsArtifactIntoABucketThatTheAwsCliLists() throws Exception {
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            S3Sources.putZip(aws, work, "site-sources", "site.zip", "index.html", "<h1>published</h1>");
            aws.succeed("s3", "mb", "s3://site-www");
            Path definition = Files.writeString(work.resolve("pipeline.json"), pipeline());
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);

            String id = Executions.createdExecution(aws, "publish-site");
            JsonNode done = Executions.awaitSettled(aws, "publish-site", id, Duration.ofSeconds(120));
            JsonNode actions = aws.ok("codepipeline", "list-action-executions", "--pipeline-name", "publish-site",
                    "--filter", "pipelineExecutionId=" + id).get("actionExecutionDetails");
            assertThat(done.get("status").asText()).as(actions.toString()).isEqualTo("Succeeded");

            AwsCli.Result ls = aws.run("s3", "ls", "s3://site-www/", "--recursive");
            assertThat(ls.exitCode()).as(ls.stderr()).isZero();
            assertThat(ls.stdout()).contains("www/index.html");
            Path back = work.resolve("back.html");
            aws.succeed("s3", "cp", "s3://site-www/www/index.html", back.toString());
            assertThat(back).hasContent("<h1>published</h1>");
            assertThat(aws.ok("s3api", "head-object", "--bucket", "site-www", "--key", "www/index.html").get("ContentType").asText())
                    .isEqualTo("text/html");
            for (JsonNode action : actions) {
                if (action.get("actionName").asText().equals("Publish")) {
                    assertThat(action.at("/output/executionResult/externalExecutionSummary").asText())
                            .isEqualTo("Extracted 1 file of Site into s3://site-www/www/");
                }
            }
            assertThat(server.terminate()).isIn(0, 143);
        }
    }

    private static String pipeline() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode p = root.putObject("pipeline");
        p.put("name", "publish-site").put("roleArn", "arn:aws:iam::111111111111:role/conveyor").put("pipelineType", "V2");
        p.putObject("artifactStore").put("type", "S3").put("location", "site-artifacts");
        ArrayNode stages = p.putArray("stages");
        ObjectNode source = action(stages.addObject().put("name", "Source").putArray("actions"), "Src", "Source", "S3");
        source.putObject("configuration").put("S3Bucket", "site-sources").put("S3ObjectKey", "site.zip").put("PollForSourceChanges", "false");
        source.putArray("outputArtifacts").addObject().put("name", "Site");
        ObjectNode deploy = action(stages.addObject().put("name", "Deploy").putArray("actions"), "Publish", "Deploy", "S3");
        deploy.putObject("configuration").put("BucketName", "site-www").put("Extract", "true").put("ObjectKey", "www");
        deploy.putArray("inputArtifacts").addObject().put("name", "Site");
        return root.toString();
    }

    private static ObjectNode action(ArrayNode actions, String name, String category, String provider) {
        ObjectNode action = actions.addObject().put("name", name);
        action.putObject("actionTypeId").put("category", category).put("owner", "AWS").put("provider", provider).put("version", "1");
        return action;
    }
}
