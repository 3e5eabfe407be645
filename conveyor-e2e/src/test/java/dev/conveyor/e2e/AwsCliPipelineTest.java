package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first session: the packaged server started as a process, the unmodified AWS CLI creating,
 * reading, versioning, listing, tagging and deleting the pipeline of the CLI's own create-pipeline example,
 * then SIGTERM and a restart over the same data.
 */
class AwsCliPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARN = "arn:aws:codepipeline:us-east-1:000000000000:MySecondPipeline";

    @TempDir
    Path work;

    @Test
    void theAwsCliManagesAPipelineFromCreateToDelete() throws Exception {
        Path dataDir = work.resolve("data");
        Path definition = work.resolve("MySecondPipeline.json");
        try (InputStream in = getClass().getResourceAsStream("/MySecondPipeline.json")) {
            Files.write(definition, in.readAllBytes());
        }

        try (ConveyorProcess server = ConveyorProcess.start(dataDir)) {
            AwsCli aws = new AwsCli(server.endpoint(), work);

            JsonNode created = aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition,
                    "--tags", "key=Project,value=ProjectA");
            assertThat(created.at("/pipeline/name").asText()).isEqualTo("MySecondPipeline");
            assertThat(created.at("/pipeline/version").asInt()).isEqualTo(1);
            assertThat(created.at("/tags/0/key").asText()).isEqualTo("Project");

            JsonNode got = aws.ok("codepipeline", "get-pipeline", "--name", "MySecondPipeline");
            // As CodePipeline echoes it: the example's own JSON, with the pipeline type and execution mode it left out.
            ObjectNode original = JSON.readTree(definition.toFile()).get("pipeline").deepCopy();
            original.put("pipelineType", "V1").put("executionMode", "SUPERSEDED");
            assertThat(got.get("pipeline")).isEqualTo(original);
            assertThat(got.at("/metadata/pipelineArn").asText()).isEqualTo(ARN);

            // The CLI's update workflow: edit the JSON that get-pipeline printed, send it back.
            ObjectNode edited = got.get("pipeline").deepCopy();
            ((ObjectNode) edited.at("/stages/1")).put("name", "Gamma");
            Path updateFile = work.resolve("update.json");
            JSON.writeValue(updateFile.toFile(), JSON.createObjectNode().set("pipeline", edited));
            JsonNode updated = aws.ok("codepipeline", "update-pipeline", "--cli-input-json", "file://" + updateFile);
            assertThat(updated.at("/pipeline/version").asInt()).isEqualTo(2);
            assertThat(aws.ok("codepipeline", "get-pipeline", "--name", "MySecondPipeline", "--pipeline-version", "1")
                    .at("/pipeline/stages/1/name").asText()).isEqualTo("Beta");
            assertThat(aws.ok("codepipeline", "get-pipeline", "--name", "MySecondPipeline")
                    .at("/pipeline/stages/1/name").asText()).isEqualTo("Gamma");

            JsonNode list = aws.ok("codepipeline", "list-pipelines");
            assertThat(list.at("/pipelines/0/name").asText()).isEqualTo("MySecondPipeline");
            assertThat(list.at("/pipelines/0/version").asInt()).isEqualTo(2);

            aws.ok("codepipeline", "tag-resource", "--resource-arn", ARN, "--tags", "key=Team,value=Platform");
            aws.ok("codepipeline", "untag-resource", "--resource-arn", ARN, "--tag-keys", "Project");
            JsonNode tags = aws.ok("codepipeline", "list-tags-for-resource", "--resource-arn", ARN);
            assertThat(tags.get("tags")).hasSize(1);
            assertThat(tags.at("/tags/0/key").asText()).isEqualTo("Team");

            AwsCli.Result invalid = aws.run("codepipeline", "create-pipeline", "--pipeline",
                    "{\"name\":\"bad name\",\"roleArn\":\"arn:aws:iam::111111111111:role/r\",\"stages\":[]}");
            assertThat(invalid.exitCode()).isNotZero();
            assertThat(invalid.stderr()).contains("ValidationException").contains("pipeline.name");

            assertThat(server.terminate()).as("SIGTERM ends the server cleanly").isIn(0, 143);
            assertThat(server.output()).doesNotContain("ERROR").doesNotContain("Exception");
        }

        try (ConveyorProcess restarted = ConveyorProcess.start(dataDir)) {
            AwsCli aws = new AwsCli(restarted.endpoint(), work);
            assertThat(aws.ok("codepipeline", "get-pipeline", "--name", "MySecondPipeline").at("/pipeline/version").asInt())
                    .as("a restart keeps everything").isEqualTo(2);
            aws.ok("codepipeline", "delete-pipeline", "--name", "MySecondPipeline");
            AwsCli.Result gone = aws.run("codepipeline", "get-pipeline", "--name", "MySecondPipeline");
            assertThat(gone.exitCode()).isNotZero();
            assertThat(gone.stderr()).contains("PipelineNotFoundException");
        }
    }
}
