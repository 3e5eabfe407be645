package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command on a fresh machine: {@code conveyor server --demo} over an empty data directory runs
 * the demo pipeline end to end and says where to look; the AWS CLI and the packaged client commands (as
 * processes, told where the server is by CONVEYOR_ENDPOINT) see it succeed. A restart neither recreates nor
 * reruns it.
 */
class DemoServerTest {
    @TempDir
    Path work;

    @Test
    void serverWithDemoRunsTheDemoPipelineEndToEndAndDeploysUnderTheDataDirectory() throws Exception {
        Path dataDir = work.resolve("data");
        String executionId;
        try (ConveyorProcess server = ConveyorProcess.start(dataDir, "--demo")) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            JsonNode first = awaitFirstExecutionSettled(aws, Duration.ofSeconds(120));
            executionId = first.get("pipelineExecutionId").asText();

            assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("Succeeded");
            Path current = dataDir.resolve("demo-deployments").resolve("current");
            assertThat(current.resolve("greet.sh")).as("the deployed app").isRegularFile();
            assertThat(Files.readString(current.resolve("VERSION")).strip()).isEqualTo("1.0.0-" + executionId.substring(0, 8));
            assertThat(awaitOutput(server, "Where to look:")).contains("started its first execution " + executionId)
                    .contains("bin/conveyor status conveyor-demo --endpoint " + server.endpoint())
                    .contains("bin/conveyor logs conveyor-demo --follow --endpoint " + server.endpoint())
                    .contains("bin/conveyor run conveyor-demo --watch --endpoint " + server.endpoint())
                    .contains("aws codepipeline get-pipeline-state --name conveyor-demo --endpoint-url " + server.endpoint())
                    .contains(current.toAbsolutePath().toString());

            ConveyorCli conveyor = new ConveyorCli(server.endpoint(), work);
            ConveyorCli.Result status = conveyor.run("status", "conveyor-demo");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.stdout()).contains("Latest execution " + executionId + " Succeeded")
                    .containsPattern("Deploy +" + executionId.substring(0, 8) + " +Succeeded +Deploy +Succeeded");

            ConveyorCli.Result logs = conveyor.run("logs", "conveyor-demo", "--stage", "Deploy");
            assertThat(logs.exitCode()).as(logs.toString()).isZero();
            // The prefix is padded to the longest stage/action name (with HAProxy installed, Deploy/DeployToHosts).
            assertThat(logs.stdout()).containsPattern("Deploy/Deploy +\\| Deployed 1\\.0\\.0-" + executionId.substring(0, 8) + " to ")
                    .containsPattern("Deploy/Deploy +\\| Hello, from the deployed app!");

            assertThat(server.terminate()).isIn(0, 143);
        }

        try (ConveyorProcess restarted = ConveyorProcess.start(dataDir, "--demo")) {
            AwsCli aws = new AwsCli(restarted.endpoint(), work);
            assertThat(awaitOutput(restarted, "Where to look:")).contains("The demo pipeline conveyor-demo exists already");
            JsonNode executions = aws.ok("codepipeline", "list-pipeline-executions", "--pipeline-name", "conveyor-demo")
                    .get("pipelineExecutionSummaries");
            assertThat(executions).as("a restart starts no new execution").hasSize(1);
            assertThat(executions.get(0).get("pipelineExecutionId").asText()).isEqualTo(executionId);
        }
    }

    @Test
    void withHaproxyInstalledTheDemosDeployStageDeploysThroughCodeDeployToHostsBehindIt() throws Exception {
        ConveyorProcess.requireCommand("haproxy");
        Path dataDir = work.resolve("data");
        try (ConveyorProcess server = ConveyorProcess.start(dataDir, "--demo")) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            JsonNode first = awaitFirstExecutionSettled(aws, Duration.ofSeconds(180));
            String executionId = first.get("pipelineExecutionId").asText();
            JsonNode actions = aws.ok("codepipeline", "list-action-executions", "--pipeline-name", "conveyor-demo",
                    "--filter", "pipelineExecutionId=" + executionId).get("actionExecutionDetails");
            assertThat(first.get("status").asText()).as(actions.toString()).isEqualTo("Succeeded");
            JsonNode toHosts = null;
            for (JsonNode action : actions) {
                if (action.get("actionName").asText().equals("DeployToHosts")) {
                    toHosts = action;
                }
            }
            assertThat(toHosts).as("the CodeDeploy action: " + actions).isNotNull();
            assertThat(toHosts.get("status").asText()).isEqualTo("Succeeded");
            String deploymentId = toHosts.at("/output/executionResult/externalExecutionId").asText();
            assertThat(toHosts.at("/output/executionResult/externalExecutionSummary").asText())
                    .startsWith("Deployment " + deploymentId + " succeeded: 2 succeeded, 0 failed");
            JsonNode deployment = aws.ok("deploy", "get-deployment", "--deployment-id", deploymentId).get("deploymentInfo");
            assertThat(deployment.get("applicationName").asText()).isEqualTo("conveyor-demo");
            assertThat(deployment.get("status").asText()).isEqualTo("Succeeded");

            String output = awaitOutput(server, "Where to look:");
            java.util.regex.Matcher url = java.util.regex.Pattern.compile("behind the demo HAProxy: curl (http://127\\.0\\.0\\.1:\\d+)/")
                    .matcher(output);
            assertThat(url.find()).as(output).isTrue();
            java.util.Set<String> served = new java.util.TreeSet<>();
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                for (int i = 0; i < 6; i++) {
                    var answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.group(1) + "/")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    served.add(answer.body().strip());
                }
            }
            String version = "1.0.0-" + executionId.substring(0, 8);
            assertThat(served).as("HAProxy spreads requests over both hosts, each serving the new release")
                    .containsExactly("conveyor-demo " + version + " on demo-host-1", "conveyor-demo " + version + " on demo-host-2");
            assertThat(server.terminate()).isIn(0, 143);
        }
    }

    private static JsonNode awaitFirstExecutionSettled(AwsCli aws, Duration timeout) throws Exception {
        Instant until = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(until)) {
            JsonNode executions = aws.ok("codepipeline", "list-pipeline-executions", "--pipeline-name", "conveyor-demo")
                    .get("pipelineExecutionSummaries");
            if (executions.size() > 0) {
                last = executions.get(executions.size() - 1);
                if (!List.of("InProgress", "Stopping").contains(last.get("status").asText())) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the demo's first execution did not settle within " + timeout + "; last seen: " + last);
    }

    /** The server's output once it holds {@code text}: the lines after the ready line may still be on their way. */
    private static String awaitOutput(ConveyorProcess server, String text) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(30);
        while (!server.output().contains(text)) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("the server did not print '" + text + "' within 30 s:\n" + server.output());
            }
            Thread.sleep(50);
        }
        return server.output();
    }
}
