package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * CodeBuild as a new user meets it, with the packaged server, the AWS CLI, git and the conveyor command: a secret set
 * with {@code conveyor secrets put}, projects made with {@code aws codebuild create-project}, a repository pushed to
 * the server that starts Source → CodeBuild build (exported variable, JUnit report, artifact) → CodeBuild test
 * reading the build's artifact; the reports through {@code aws codebuild list-reports} and
 * {@code describe-test-cases}; a failing build whose phase and exit code are in the execution's error; a bad
 * buildspec named by line; and the same builds on a remote agent.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class CodeBuildTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUILDSPEC = """
            version: 0.2
            env:
              exported-variables: [APP_VERSION]
            phases:
              install:
                commands:
                  - echo "installing with token $DEPLOY_TOKEN"
              build:
                commands:
                  - APP_VERSION="1.0.$CODEBUILD_BUILD_NUMBER"
                  - mkdir -p dist test-reports
                  - echo "$APP_VERSION $(cat greeting.txt)" > dist/app.txt
                  - ./run-tests.sh > test-reports/junit.xml
            artifacts:
              base-directory: dist
              files:
                - '**/*'
            reports:
              unit-tests:
                files: ['test-reports/*.xml']
            """;
    private static final String TESTS = """
            #!/bin/sh
            echo '<testsuite name="greeting">'
            echo '  <testcase classname="GreetingTest" name="saysHello" time="0.012"/>'
            echo '  <testcase classname="GreetingTest" name="saysGoodbye" time="0.003"/>'
            echo '  <testcase classname="GreetingTest" name="inFrench"><skipped message="later"/></testcase>'
            echo '</testsuite>'
            """;

    @TempDir
    Path work;

    @Test
    void aPushedRepositoryIsBuiltAndTestedWithCodeBuildProjectsMadeWithTheAwsCli() throws Exception {
        ConveyorProcess.requireCommand("git");
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            ConveyorCli conveyor = new ConveyorCli(server.endpoint(), work);
            ConveyorCli.Result secret = conveyor.run("secrets", "put", "/cb-app/deploy-token", "s3cr3t-deploy-token");
            assertThat(secret.exitCode()).as(secret.toString()).isZero();
            createProjects(aws);
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + write("pipeline.json", pipeline("cb-app")));

            String commit = push(server.endpoint(), "cb-app");
            String id = aws.ok("codepipeline", "list-pipeline-executions", "--pipeline-name", "cb-app")
                    .at("/pipelineExecutionSummaries/0/pipelineExecutionId").asText();
            JsonNode done = awaitSettled(aws, "cb-app", id);
            Map<String, JsonNode> actions = actions(aws, "cb-app", id);
            assertThat(done.get("status").asText()).as(actions.toString()).isEqualTo("Succeeded");

            JsonNode build = actions.get("Build");
            assertThat(build.at("/output/outputVariables/APP_VERSION").asText()).isEqualTo("1.0.1");
            assertThat(build.at("/output/executionResult/externalExecutionSummary").asText())
                    .contains("tests: 3 total, 2 passed, 0 failed, 1 skipped");
            String buildId = build.at("/output/executionResult/externalExecutionId").asText();
            JsonNode record = aws.ok("codebuild", "batch-get-builds", "--ids", buildId).at("/builds/0");
            assertThat(record.get("buildStatus").asText()).isEqualTo("SUCCEEDED");
            assertThat(record.get("resolvedSourceVersion").asText()).isEqualTo(commit);
            assertThat(record.get("initiator").asText()).isEqualTo("codepipeline/cb-app");
            assertThat(actions.get("Test").get("status").asText()).isEqualTo("Succeeded");

            JsonNode reports = aws.ok("codebuild", "list-reports").get("reports");
            assertThat(reports).hasSize(1);
            String reportArn = reports.get(0).asText();
            assertThat(reportArn).contains(":report/cb-build-unit-tests:");
            JsonNode report = aws.ok("codebuild", "batch-get-reports", "--report-arns", reportArn).at("/reports/0");
            assertThat(report.at("/testSummary/total").asInt()).isEqualTo(3);
            assertThat(report.at("/testSummary/statusCounts/SKIPPED").asInt()).isEqualTo(1);
            JsonNode cases = aws.ok("codebuild", "describe-test-cases", "--report-arn", reportArn).get("testCases");
            assertThat(cases).hasSize(3);
            assertThat(cases.get(0).get("name").asText()).isEqualTo("saysHello");
            assertThat(cases.get(0).get("prefix").asText()).isEqualTo("GreetingTest");
            assertThat(aws.ok("codebuild", "describe-test-cases", "--report-arn", reportArn, "--filter", "status=SKIPPED")
                    .get("testCases")).hasSize(1);

            ConveyorCli.Result logs = conveyor.run("logs", "cb-app", "--stage", "Build");
            assertThat(logs.exitCode()).as(logs.toString()).isZero();
            assertThat(logs.stdout()).contains("installing with token ***").doesNotContain("s3cr3t-deploy-token")
                    .contains("Phase complete: BUILD State: SUCCEEDED");
            ConveyorCli.Result status = conveyor.run("status", "cb-app");
            assertThat(status.stdout()).as(status.toString()).contains("tests: 3 total, 2 passed, 0 failed, 1 skipped");

            assertFailingBuildExplainsItself(aws);
            assertThat(server.terminate()).isIn(0, 143);
        }
    }

    /** A build whose tests fail: the execution fails with the phase, the exit code and the failing test. */
    private void assertFailingBuildExplainsItself(AwsCli aws) throws Exception {
        String broken = """
                version: 0.2
                phases:
                  build:
                    commands:
                      - mkdir -p r && printf '<testsuite><testcase classname="Calc" name="divides"><failure message="expected 2 but was 3"/></testcase></testsuite>' > r/t.xml
                      - echo running tests; exit 1
                reports:
                  unit:
                    files: ['r/*.xml']
                """;
        aws.ok("codebuild", "create-project", "--name", "cb-broken", "--service-role", "arn:aws:iam::111111111111:role/cb",
                "--source", "file://" + write("broken-source.json", JSON.createObjectNode().put("type", "CODEPIPELINE")
                        .put("buildspec", broken).toString()),
                "--artifacts", "type=CODEPIPELINE", "--environment", environment(""));
        aws.ok("codebuild", "create-project", "--name", "cb-bad-yaml", "--service-role", "arn:aws:iam::111111111111:role/cb",
                "--source", "file://" + write("bad-source.json", JSON.createObjectNode().put("type", "CODEPIPELINE")
                        .put("buildspec", "version: 0.2\nphases:\n  build:\n    commands:\n      - echo a: b\n").toString()),
                "--artifacts", "type=CODEPIPELINE", "--environment", environment(""));
        for (String[] pipeline : new String[][] {{"cb-broken-app", "cb-broken"}, {"cb-bad-yaml-app", "cb-bad-yaml"}}) {
            ObjectNode definition = (ObjectNode) JSON.readTree(pipeline("cb-app"));
            ((ObjectNode) definition.get("pipeline")).put("name", pipeline[0]);
            ArrayNode stages = (ArrayNode) definition.at("/pipeline/stages");
            ((ObjectNode) stages.get(1).at("/actions/0/configuration")).put("ProjectName", pipeline[1]);
            stages.remove(2);
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + write(pipeline[0] + ".json", definition.toString()));
        }

        String failed = aws.ok("codepipeline", "start-pipeline-execution", "--name", "cb-broken-app").get("pipelineExecutionId").asText();
        assertThat(awaitSettled(aws, "cb-broken-app", failed).get("status").asText()).isEqualTo("Failed");
        String error = actions(aws, "cb-broken-app", failed).get("Build").at("/output/executionResult/errorDetails/message").asText();
        assertThat(error).contains("Build failed in phase BUILD").contains("exit status 1")
                .contains("tests: 1 total, 0 passed, 1 failed").contains("Calc.divides: expected 2 but was 3");

        String badYaml = aws.ok("codepipeline", "start-pipeline-execution", "--name", "cb-bad-yaml-app").get("pipelineExecutionId").asText();
        assertThat(awaitSettled(aws, "cb-bad-yaml-app", badYaml).get("status").asText()).isEqualTo("Failed");
        assertThat(actions(aws, "cb-bad-yaml-app", badYaml).get("Build").at("/output/executionResult/errorDetails/message").asText())
                .contains("YAML_FILE_ERROR").contains("inline buildspec line 5").contains("phases.build.commands[0] is a mapping");
    }

    @Test
    void codeBuildActionsRunOnARemoteAgentThroughTheAgentApi() throws Exception {
        ConveyorProcess.requireCommand("git");
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"), "--no-embedded-agent");
             AgentProcess agent = AgentProcess.start(server.endpoint(), "builder-1", work.resolve("agent"))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            aws.ok("ssm", "put-parameter", "--name", "/cb-app/deploy-token", "--value", "remote-t0ken-value", "--type", "SecureString");
            createProjects(aws);
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + write("pipeline.json", pipeline("cb-remote")));
            push(server.endpoint(), "cb-remote");
            String id = aws.ok("codepipeline", "list-pipeline-executions", "--pipeline-name", "cb-remote")
                    .at("/pipelineExecutionSummaries/0/pipelineExecutionId").asText();
            JsonNode done = awaitSettled(aws, "cb-remote", id);
            Map<String, JsonNode> actions = actions(aws, "cb-remote", id);
            assertThat(done.get("status").asText()).as(actions + "\n" + agent.output()).isEqualTo("Succeeded");
            assertThat(actions.get("Build").at("/output/outputVariables/APP_VERSION").asText()).isEqualTo("1.0.1");
            String buildId = actions.get("Build").at("/output/executionResult/externalExecutionId").asText();
            JsonNode record = aws.ok("codebuild", "batch-get-builds", "--ids", buildId).at("/builds/0");
            assertThat(record.get("buildStatus").asText()).isEqualTo("SUCCEEDED");
            assertThat(record.get("phases")).hasSize(11);
            assertThat(aws.ok("codebuild", "list-reports").get("reports")).hasSize(1);
            String log = TestEnvironment.signedGet(java.net.URI.create(record.at("/logs/deepLink").asText()));
            assertThat(log).contains("installing with token ***").doesNotContain("remote-t0ken-value");
        }
    }

    // ---- fixtures

    private void createProjects(AwsCli aws) throws Exception {
        aws.ok("codebuild", "create-project", "--name", "cb-build", "--service-role", "arn:aws:iam::111111111111:role/cb",
                "--source", "type=CODEPIPELINE", "--artifacts", "type=CODEPIPELINE",
                "--environment", environment(",environmentVariables=[{name=DEPLOY_TOKEN,value=/cb-app/deploy-token,type=PARAMETER_STORE}]"));
        aws.ok("codebuild", "create-project", "--name", "cb-test", "--service-role", "arn:aws:iam::111111111111:role/cb",
                "--source", "file://" + write("test-source.json", JSON.createObjectNode().put("type", "CODEPIPELINE").put("buildspec", """
                        version: 0.2
                        phases:
                          build:
                            commands:
                              - test "$(cat app.txt)" = "$EXPECTED hello, world"
                              - test -x "$CODEBUILD_SRC_DIR_SourceOutput/run-tests.sh"
                              - echo "tested $EXPECTED"
                        """).toString()),
                "--artifacts", "type=CODEPIPELINE", "--environment", environment(""));
        JsonNode projects = aws.ok("codebuild", "batch-get-projects", "--names", "cb-build", "cb-test").get("projects");
        assertThat(projects).hasSize(2);
    }

    private static String environment(String extra) {
        return "type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL" + extra;
    }

    /** Source (CodeCommit, hosted here) → Build (cb-build) → Test (cb-test over the build's output and the source). */
    private static String pipeline(String name) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode p = root.putObject("pipeline");
        p.put("name", name).put("roleArn", "arn:aws:iam::111111111111:role/conveyor").put("pipelineType", "V2").put("executionMode", "QUEUED");
        p.putObject("artifactStore").put("type", "S3").put("location", "conveyor-artifacts");
        ArrayNode stages = p.putArray("stages");
        ObjectNode source = action(stages.addObject().put("name", "Source").putArray("actions"), "Source", "Source", "CodeCommit");
        source.put("namespace", "SourceVariables");
        source.putObject("configuration").put("RepositoryName", name).put("BranchName", "main").put("PollForSourceChanges", "false");
        source.putArray("outputArtifacts").addObject().put("name", "SourceOutput");
        ObjectNode build = action(stages.addObject().put("name", "Build").putArray("actions"), "Build", "Build", "CodeBuild");
        build.put("namespace", "BuildVariables");
        build.putObject("configuration").put("ProjectName", "cb-build");
        build.putArray("inputArtifacts").addObject().put("name", "SourceOutput");
        build.putArray("outputArtifacts").addObject().put("name", "BuildOutput");
        ObjectNode test = action(stages.addObject().put("name", "Test").putArray("actions"), "Test", "Test", "CodeBuild");
        test.putObject("configuration").put("ProjectName", "cb-test").put("PrimarySource", "BuildOutput")
                .put("EnvironmentVariables", "[{\"name\":\"EXPECTED\",\"value\":\"#{BuildVariables.APP_VERSION}\",\"type\":\"PLAINTEXT\"}]");
        ArrayNode inputs = test.putArray("inputArtifacts");
        inputs.addObject().put("name", "BuildOutput");
        inputs.addObject().put("name", "SourceOutput");
        return root.toString();
    }

    private static ObjectNode action(ArrayNode actions, String name, String category, String provider) {
        ObjectNode action = actions.addObject().put("name", name);
        action.putObject("actionTypeId").put("category", category).put("owner", "AWS").put("provider", provider).put("version", "1");
        return action;
    }

    /** Pushes the sample app (buildspec, tests, greeting) to the server's hosted repository; returns the commit. */
    private String push(String endpoint, String repository) throws Exception {
        Path app = Files.createDirectories(work.resolve("app-" + repository));
        Files.writeString(app.resolve("greeting.txt"), "hello, world");
        Files.writeString(app.resolve("buildspec.yml"), BUILDSPEC);
        Path tests = Files.writeString(app.resolve("run-tests.sh"), TESTS);
        tests.toFile().setExecutable(true);
        Git.run(app, "init", "-q", "-b", "main");
        Git.run(app, "add", ".");
        Git.run(app, "commit", "-q", "-m", "A greeting app");
        String commit = Git.run(app, "rev-parse", "HEAD").strip();
        Git.asAdministrator(app, work.resolve("data"), "push", endpoint + "/v1/repos/" + repository, "main");
        return commit;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(work.resolve(name), content);
    }

    private static JsonNode awaitSettled(AwsCli aws, String pipeline, String id) throws Exception {
        return Executions.awaitSettled(aws, pipeline, id, Duration.ofSeconds(120));
    }

    private static Map<String, JsonNode> actions(AwsCli aws, String pipeline, String id) throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode detail : aws.ok("codepipeline", "list-action-executions", "--pipeline-name", pipeline,
                "--filter", "pipelineExecutionId=" + id).get("actionExecutionDetails")) {
            byName.putIfAbsent(detail.get("actionName").asText(), detail);
        }
        return byName;
    }
}
