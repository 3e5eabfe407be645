package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A new user's first push: the packaged server as a process, a pipeline created with the AWS CLI whose source is
 * a CodeCommit repository hosted by Conveyor, then {@code git push} with the stock git client. The push itself
 * creates the repository and starts the pipeline, and the execution names the pushed commit. A connection made
 * with {@code aws codestar-connections} reads the same repository. A hostile commit message and a hostile variable
 * given to {@code aws codepipeline start-pipeline-execution} reach the commands as data: printed, never run.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class GitPushTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private static String pipelineJson(String name, JsonNode source, String... commands) {
        var pipeline = JSON.createObjectNode();
        var p = pipeline.putObject("pipeline");
        p.put("name", name).put("roleArn", "arn:aws:iam::111111111111:role/conveyor").put("pipelineType", "V2").put("executionMode", "QUEUED");
        p.putObject("artifactStore").put("type", "S3").put("location", "conveyor-artifacts");
        var stages = p.putArray("stages");
        stages.addObject().put("name", "Source").putArray("actions").add(source);
        var build = stages.addObject().put("name", "Build").putArray("actions").addObject();
        build.put("name", "Build");
        build.putObject("actionTypeId").put("category", "Compute").put("owner", "AWS").put("provider", "Commands").put("version", "1");
        var list = build.putArray("commands");
        for (String c : commands) {
            list.add(c);
        }
        build.putArray("inputArtifacts").addObject().put("name", "SourceOutput");
        return pipeline.toString();
    }

    private static JsonNode source(String provider, String... configuration) {
        var action = JSON.createObjectNode().put("name", "Source").put("namespace", "SourceVariables");
        action.putObject("actionTypeId").put("category", "Source").put("owner", "AWS").put("provider", provider).put("version", "1");
        var config = action.putObject("configuration");
        for (int i = 0; i < configuration.length; i += 2) {
            config.put(configuration[i], configuration[i + 1]);
        }
        action.putArray("outputArtifacts").addObject().put("name", "SourceOutput");
        return action;
    }

    private static JsonNode awaitSettled(AwsCli aws, String pipeline, String id) throws Exception {
        return Executions.awaitSettled(aws, pipeline, id, Duration.ofSeconds(60));
    }

    private Path file(String name, String content) throws IOException {
        Path path = work.resolve(name);
        Files.writeString(path, content);
        return path;
    }

    @Test
    void gitPushToTheServerStartsThePipelineAndTheExecutionNamesTheCommit() throws Exception {
        ConveyorProcess.requireCommand("git");
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            Path definition = file("pipeline.json", pipelineJson("hello-app",
                    source("CodeCommit", "RepositoryName", "hello-app", "BranchName", "main", "PollForSourceChanges", "false"),
                    "cat greeting.txt", "test \"$(cat greeting.txt)\" = 'hello, world'",
                    "echo 'built #{SourceVariables.CommitId}'"));
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);

            Path app = Files.createDirectories(work.resolve("hello-app"));
            Git.run(app, "init", "-q", "-b", "main");
            Files.writeString(app.resolve("greeting.txt"), "hello, world");
            Git.run(app, "add", ".");
            Git.run(app, "commit", "-q", "-m", "Say hello");
            String commit = Git.run(app, "rev-parse", "HEAD").strip();
            String pushed = Git.asAdministrator(app, work.resolve("data"), "push", server.endpoint() + "/v1/repos/hello-app", "main");
            assertThat(pushed).contains("started pipeline hello-app");

            JsonNode executions = aws.ok("codepipeline", "list-pipeline-executions", "--pipeline-name", "hello-app")
                    .get("pipelineExecutionSummaries");
            // Newest first: the push's execution, then the one creating the pipeline started (before anything was pushed).
            assertThat(executions).as("the execution exists as soon as git push returns").hasSize(2);
            assertThat(executions.get(1).at("/trigger/triggerType").asText()).isEqualTo("CreatePipeline");
            JsonNode summary = executions.get(0);
            assertThat(summary.at("/trigger/triggerType").asText()).isEqualTo("CloudWatchEvent");
            assertThat(summary.at("/trigger/triggerDetail").asText()).contains(commit);

            JsonNode done = awaitSettled(aws, "hello-app", summary.get("pipelineExecutionId").asText());
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Succeeded");
            assertThat(done.at("/artifactRevisions/0/revisionId").asText()).isEqualTo(commit);
            assertThat(done.at("/artifactRevisions/0/revisionSummary").asText()).isEqualTo("Say hello");
            assertThat(done.at("/artifactRevisions/0/revisionUrl").asText())
                    .isEqualTo(server.endpoint() + "/v1/repos/hello-app/commit/" + commit);

            // The same repository through a connection, made with the CodeStar connections CLI.
            Path host = file("host.json", "{\"Name\":\"conveyor\",\"ProviderType\":\"GitHubEnterpriseServer\",\"ProviderEndpoint\":\""
                    + server.endpoint() + "/v1/repos\"}");
            String hostArn = aws.ok("codestar-connections", "create-host", "--cli-input-json", "file://" + host).get("HostArn").asText();
            String connectionArn = aws.ok("codestar-connections", "create-connection", "--connection-name", "local", "--host-arn", hostArn)
                    .get("ConnectionArn").asText();
            assertThat(aws.ok("codestar-connections", "list-connections").at("/Connections/0/ConnectionStatus").asText()).isEqualTo("AVAILABLE");
            Path second = file("connected.json", pipelineJson("hello-connected",
                    source("CodeStarSourceConnection", "ConnectionArn", connectionArn, "FullRepositoryId", "hello-app", "BranchName", "main"),
                    "test \"$(cat greeting.txt)\" = 'hello, world'"));
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + second);
            String id = aws.ok("codepipeline", "start-pipeline-execution", "--name", "hello-connected").get("pipelineExecutionId").asText();
            JsonNode connected = awaitSettled(aws, "hello-connected", id);
            assertThat(connected.get("status").asText()).as(connected.toString()).isEqualTo("Succeeded");
            assertThat(connected.at("/artifactRevisions/0/revisionId").asText()).isEqualTo(commit);

            assertThat(server.terminate()).isIn(0, 143);
            assertThat(server.output()).doesNotContain("ERROR");
        }
    }

    @Test
    void aHostileCommitMessageAndAHostileVariableFromTheAwsCliArePrintedNotRun() throws Exception {
        ConveyorProcess.requireCommand("git");
        // The commands run sandboxed: this is the one host directory they may write (where an injection would land too).
        Path shared = Files.createDirectories(work.resolve("shared"));
        Path mark = shared.resolve("injected");
        Path out = Files.createDirectories(shared.resolve("out"));
        Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        String hostile = "'\"; touch " + mark + "; echo $(touch " + mark + ") `touch " + mark + "` '";
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"), "--job-writable-dir", shared.toString())) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            ObjectNode definition = (ObjectNode) JSON.readTree(pipelineJson("hostile",
                    source("CodeCommit", "RepositoryName", "hostile", "BranchName", "main", "PollForSourceChanges", "false"),
                    "echo 'message=#{SourceVariables.CommitMessage}' > '" + out.resolve("message") + "'",
                    "echo #{variables.V} > '" + out.resolve("bare") + "'",
                    "echo 'quoted=#{variables.V}' > '" + out.resolve("quoted") + "'",
                    "echo \"dq=#{variables.V}\" > '" + out.resolve("dq") + "'"));
            ((ObjectNode) definition.get("pipeline")).putArray("variables").addObject().put("name", "V").put("defaultValue", "plain");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + file("hostile.json", definition.toString()));

            Path app = Files.createDirectories(work.resolve("hostile"));
            Git.run(app, "init", "-q", "-b", "main");
            Files.writeString(app.resolve("app.txt"), "v1");
            Git.run(app, "add", ".");
            String message = "Fix " + hostile + "\n\nbody \"; touch " + mark + "; \"";
            Git.run(app, "commit", "-q", "-m", message);
            assertThat(Git.asAdministrator(app, work.resolve("data"), "push", server.endpoint() + "/v1/repos/hostile", "main")).contains("started pipeline hostile");
            String pushed = aws.ok("codepipeline", "list-pipeline-executions", "--pipeline-name", "hostile")
                    .at("/pipelineExecutionSummaries/0/pipelineExecutionId").asText();
            JsonNode first = awaitSettled(aws, "hostile", pushed);
            assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("Succeeded");
            assertThat(Files.readString(out.resolve("message"))).isEqualTo("message=" + message + "\n");

            ObjectNode start = JSON.createObjectNode().put("name", "hostile");
            start.putArray("variables").addObject().put("name", "V").put("value", hostile);
            String id = aws.ok("codepipeline", "start-pipeline-execution", "--cli-input-json",
                    "file://" + file("start.json", start.toString())).get("pipelineExecutionId").asText();
            JsonNode second = awaitSettled(aws, "hostile", id);
            assertThat(second.get("status").asText()).as(second.toString()).isEqualTo("Succeeded");
            assertThat(Files.readString(out.resolve("bare"))).isEqualTo(hostile + "\n");
            assertThat(Files.readString(out.resolve("quoted"))).isEqualTo("quoted=" + hostile + "\n");
            assertThat(Files.readString(out.resolve("dq"))).isEqualTo("dq=" + hostile + "\n");
            assertThat(mark).as("nothing in the message or the variable ran").doesNotExist();
        }
    }
}
