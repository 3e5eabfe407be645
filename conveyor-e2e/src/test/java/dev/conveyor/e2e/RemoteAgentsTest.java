package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Remote agents in their own processes take all build work from a server that runs none itself: two agents share
 * a stream of builds with no job run twice, and an agent killed mid-job does not leave its execution stuck.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class RemoteAgentsTest {
    @TempDir
    Path work;

    private void seedSource(AwsCli aws) throws Exception {
        S3Sources.putZip(aws, work, "agent-sources", "app.zip", "app.txt", "hello\n");
    }

    private Path pipeline(String name, String... commands) throws Exception {
        return BuildPipelines.write(work, name, "agent-artifacts", BuildPipelines.s3Source("agent-sources", "app.zip"), commands);
    }

    private static String status(AwsCli aws, String pipeline, String id) throws Exception {
        return aws.ok("codepipeline", "get-pipeline-execution", "--pipeline-name", pipeline, "--pipeline-execution-id", id)
                .at("/pipelineExecution/status").asText();
    }

    private static void awaitAllSettled(AwsCli aws, String pipeline, List<String> ids, Duration timeout) throws Exception {
        Instant until = Instant.now().plus(timeout);
        for (String id : ids) {
            while (List.of("InProgress", "Stopping").contains(status(aws, pipeline, id))) {
                if (Instant.now().isAfter(until)) {
                    throw new AssertionError("execution " + id + " did not settle in " + timeout);
                }
                Thread.sleep(250);
            }
        }
    }

    @Test
    void twoAgentsShareAStreamOfBuildsAndNoJobRunsTwice() throws Exception {
        Path marks = Files.createDirectories(work.resolve("marks"));
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"), "--no-embedded-agent");
             AgentProcess a = AgentProcess.start(server.endpoint(), "agent-a", work.resolve("agent-a"), "--capacity", "2",
                     "--job-writable-dir", marks.toString());
             AgentProcess b = AgentProcess.start(server.endpoint(), "agent-b", work.resolve("agent-b"), "--capacity", "2",
                     "--job-writable-dir", marks.toString())) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            seedSource(aws);
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + pipeline("stream",
                    "echo \"$CODEPIPELINE_EXECUTION_ID $PWD\" >> " + marks + "/runs", "sleep 0.5", "echo built > out.txt"));
            List<String> ids = new ArrayList<>();
            ids.add(Executions.createdExecution(aws, "stream")); // creating the pipeline started the first
            for (int i = 1; i < 8; i++) {
                ids.add(aws.ok("codepipeline", "start-pipeline-execution", "--name", "stream").get("pipelineExecutionId").asText());
            }
            awaitAllSettled(aws, "stream", ids, Duration.ofSeconds(120));
            for (String id : ids) {
                assertThat(status(aws, "stream", id)).as("execution " + id).isEqualTo("Succeeded");
            }
            List<String> runs = Files.readAllLines(marks.resolve("runs"));
            Map<String, Long> perExecution = runs.stream().collect(Collectors.groupingBy(l -> l.split(" ")[0], Collectors.counting()));
            assertThat(perExecution).as("every build ran exactly once").hasSize(8).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
            assertThat(runs).as("both agents took work").anyMatch(l -> l.contains("agent-a")).anyMatch(l -> l.contains("agent-b"));

            // The log of a build that ran on a remote agent is on the server.
            JsonNode actions = aws.ok("codepipeline", "list-action-executions", "--pipeline-name", "stream",
                    "--filter", "pipelineExecutionId=" + ids.getFirst());
            String buildId = java.util.stream.StreamSupport.stream(actions.get("actionExecutionDetails").spliterator(), false)
                    .filter(d -> d.get("actionName").asText().equals("Build")).findFirst().orElseThrow().get("actionExecutionId").asText();
            String log = TestEnvironment.signedGet(java.net.URI.create(server.endpoint() + "/conveyor/v1/logs/" + buildId));
            assertThat(log).contains("$ sleep 0.5");
        }
    }

    @Test
    void anAgentKilledMidJobDoesNotLeaveTheExecutionStuck() throws Exception {
        Path marks = Files.createDirectories(work.resolve("marks"));
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"), "--no-embedded-agent", "--lease-seconds", "3");
             AgentProcess first = AgentProcess.start(server.endpoint(), "agent-first", work.resolve("agent-first"), "--lease-seconds", "3",
                     "--job-writable-dir", marks.toString())) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            seedSource(aws);
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + pipeline("killed",
                    "echo \"start $PWD\" >> " + marks + "/runs", "sleep 6", "echo \"end $PWD\" >> " + marks + "/runs"));
            String id = Executions.createdExecution(aws, "killed"); // creating the pipeline started it
            Instant until = Instant.now().plusSeconds(60);
            while (!Files.exists(marks.resolve("runs")) || Files.readAllLines(marks.resolve("runs")).isEmpty()) {
                assertThat(Instant.now()).as("the build started on the first agent").isBefore(until);
                Thread.sleep(50);
            }
            first.kill();
            try (AgentProcess second = AgentProcess.start(server.endpoint(), "agent-second", work.resolve("agent-second"), "--lease-seconds", "3",
                     "--job-writable-dir", marks.toString())) {
                awaitAllSettled(aws, "killed", List.of(id), Duration.ofSeconds(90));
                assertThat(status(aws, "killed", id)).isEqualTo("Succeeded");
                List<String> runs = Files.readAllLines(marks.resolve("runs"));
                assertThat(runs).as("the job was offered again and finished on the second agent only")
                        .containsExactly("start " + runs.get(0).substring(6), runs.get(1), runs.get(2));
                assertThat(runs.get(0)).contains("agent-first");
                assertThat(runs.get(1)).startsWith("start").contains("agent-second");
                assertThat(runs.get(2)).startsWith("end").contains("agent-second");
            }
        }
    }

    @Test
    void aCommandsRuleRunsOnARemoteAgentAsTheCommandsActionDoes() throws Exception {
        Path marks = Files.createDirectories(work.resolve("marks"));
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"), "--no-embedded-agent");
             AgentProcess agent = AgentProcess.start(server.endpoint(), "agent-rules", work.resolve("agent-rules"),
                     "--job-writable-dir", marks.toString())) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            seedSource(aws);
            Path definition = work.resolve("gated.json");
            Files.writeString(definition, """
                    {"pipeline": {"name": "gated", "roleArn": "arn:aws:iam::111111111111:role/r", "pipelineType": "V2",
                     "executionMode": "QUEUED", "artifactStore": {"type": "S3", "location": "agent-artifacts"},
                     "stages": [
                      {"name": "Source", "actions": [{"name": "Source",
                         "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                         "configuration": {"S3Bucket": "agent-sources", "S3ObjectKey": "app.zip"},
                         "outputArtifacts": [{"name": "Src"}]}]},
                      {"name": "Deploy",
                       "beforeEntry": {"conditions": [{"result": "FAIL", "rules": [{"name": "OnAgent",
                         "ruleTypeId": {"category": "Rule", "owner": "AWS", "provider": "Commands", "version": "1"},
                         "inputArtifacts": [{"name": "Src"}],
                         "commands": ["grep -q hello app.txt", "echo \\"rule $CODEPIPELINE_PIPELINE_NAME $PWD\\" >> %s/rule"]}]}]},
                       "actions": [{"name": "Deploy",
                         "actionTypeId": {"category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1"},
                         "inputArtifacts": [{"name": "Src"}], "commands": ["echo deployed"]}]}
                     ]}}""".formatted(marks));
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);
            String id = Executions.createdExecution(aws, "gated");
            awaitAllSettled(aws, "gated", List.of(id), Duration.ofSeconds(120));
            assertThat(status(aws, "gated", id)).isEqualTo("Succeeded");

            List<String> ran = Files.readAllLines(marks.resolve("rule"));
            assertThat(ran).as("the rule's commands ran once, in a workspace of the remote agent").singleElement()
                    .satisfies(line -> assertThat(line).startsWith("rule gated ").contains("agent-rules"));
            JsonNode rule = aws.ok("codepipeline", "list-rule-executions", "--pipeline-name", "gated").get("ruleExecutionDetails").get(0);
            assertThat(rule.get("status").asText()).isEqualTo("Succeeded");
            String link = rule.at("/output/executionResult/externalExecutionUrl").asText();
            assertThat(link).endsWith("/conveyor/v1/logs/" + rule.get("ruleExecutionId").asText());
            assertThat(TestEnvironment.signedGet(java.net.URI.create(link))).as("the agent shipped the rule's log to the server")
                    .contains("$ grep -q hello app.txt");
        }
    }
}
