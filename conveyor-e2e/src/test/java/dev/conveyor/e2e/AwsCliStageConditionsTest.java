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
 * A V2 pipeline with a beforeEntry condition, end to end: the packaged server as a process, the pipeline created with
 * the AWS CLI, a git push of a feature branch. The Deploy stage's VariableCheck rule compares the source's branch with
 * main: on the feature branch the stage is skipped and the rest of the pipeline runs; on main it deploys. What the CLI
 * prints (get-pipeline-state's condition states, list-rule-executions) is what botocore parsed.
 */
class AwsCliStageConditionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private static ObjectNode commands(String name, String... commands) {
        ObjectNode action = JSON.createObjectNode().put("name", name);
        action.putObject("actionTypeId").put("category", "Compute").put("owner", "AWS").put("provider", "Commands").put("version", "1");
        ArrayNode list = action.putArray("commands");
        for (String c : commands) {
            list.add(c);
        }
        action.putArray("inputArtifacts").addObject().put("name", "SourceOutput");
        return action;
    }

    private static String pipelineJson(String name, String branch) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode p = root.putObject("pipeline");
        p.put("name", name).put("roleArn", "arn:aws:iam::111111111111:role/conveyor").put("pipelineType", "V2").put("executionMode", "QUEUED");
        p.putObject("artifactStore").put("type", "S3").put("location", "conveyor-artifacts");
        ArrayNode stages = p.putArray("stages");
        ObjectNode source = JSON.createObjectNode().put("name", "Source").put("namespace", "SourceVariables");
        source.putObject("actionTypeId").put("category", "Source").put("owner", "AWS").put("provider", "CodeCommit").put("version", "1");
        source.putObject("configuration").put("RepositoryName", "shop").put("BranchName", branch).put("PollForSourceChanges", "false");
        source.putArray("outputArtifacts").addObject().put("name", "SourceOutput");
        stages.addObject().put("name", "Source").putArray("actions").add(source);
        stages.addObject().put("name", "Build").putArray("actions").add(commands("Build", "test -f shop.txt"));
        ObjectNode deploy = stages.addObject().put("name", "Deploy");
        deploy.putArray("actions").add(commands("Deploy", "echo deploying #{SourceVariables.CommitId}"));
        ObjectNode rule = deploy.putObject("beforeEntry").putArray("conditions").addObject().put("result", "SKIP")
                .putArray("rules").addObject().put("name", "OnlyMain");
        rule.putObject("ruleTypeId").put("category", "Rule").put("owner", "AWS").put("provider", "VariableCheck").put("version", "1");
        rule.putObject("configuration").put("Variable", "#{SourceVariables.BranchName}").put("Operator", "EQ").put("Value", "main");
        stages.addObject().put("name", "Notify").putArray("actions").add(commands("Notify", "true"));
        return root.toString();
    }

    private static JsonNode stage(JsonNode state, String name) {
        for (JsonNode s : state.get("stageStates")) {
            if (s.get("stageName").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no stage " + name + " in " + state);
    }

    private static String pushedExecution(AwsCli aws, String pipeline) throws Exception {
        for (JsonNode e : aws.ok("codepipeline", "list-pipeline-executions", "--pipeline-name", pipeline).get("pipelineExecutionSummaries")) {
            if ("CloudWatchEvent".equals(e.at("/trigger/triggerType").asText())) {
                return e.get("pipelineExecutionId").asText();
            }
        }
        throw new AssertionError("the push started no execution of " + pipeline);
    }

    @Test
    void aBeforeEntryVariableCheckSkipsTheDeployStageOnAFeatureBranch() throws Exception {
        ConveyorProcess.requireCommand("git");
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            Path feature = work.resolve("feature.json");
            Files.writeString(feature, pipelineJson("shop-feature", "feature/login"));
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + feature);
            Path main = work.resolve("main.json");
            Files.writeString(main, pipelineJson("shop-main", "main"));
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + main);

            Path app = Files.createDirectories(work.resolve("shop"));
            Git.run(app, "init", "-q", "-b", "main");
            Files.writeString(app.resolve("shop.txt"), "a shop");
            Git.run(app, "add", ".");
            Git.run(app, "commit", "-q", "-m", "Open the shop");
            Git.asAdministrator(app, work.resolve("data"), "push", server.endpoint() + "/v1/repos/shop", "main");
            Git.run(app, "checkout", "-q", "-b", "feature/login");
            Files.writeString(app.resolve("login.txt"), "a login page");
            Git.run(app, "add", ".");
            Git.run(app, "commit", "-q", "-m", "Add a login page");
            Git.asAdministrator(app, work.resolve("data"), "push", server.endpoint() + "/v1/repos/shop", "feature/login");

            String onFeature = pushedExecution(aws, "shop-feature");
            JsonNode done = Executions.awaitSettled(aws, "shop-feature", onFeature, Duration.ofSeconds(90));
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Succeeded");
            JsonNode state = aws.ok("codepipeline", "get-pipeline-state", "--name", "shop-feature");
            JsonNode deploy = stage(state, "Deploy");
            assertThat(deploy.at("/latestExecution/status").asText()).isEqualTo("Skipped");
            assertThat(deploy.at("/beforeEntryConditionState/latestExecution/status").asText()).isEqualTo("Failed");
            assertThat(deploy.at("/beforeEntryConditionState/conditionStates/0/ruleStates/0/ruleName").asText()).isEqualTo("OnlyMain");
            assertThat(deploy.at("/beforeEntryConditionState/conditionStates/0/ruleStates/0/latestExecution/status").asText()).isEqualTo("Failed");
            assertThat(stage(state, "Notify").at("/latestExecution/status").asText()).as("the stages after it run").isEqualTo("Succeeded");

            JsonNode rules = aws.ok("codepipeline", "list-rule-executions", "--pipeline-name", "shop-feature",
                    "--filter", "pipelineExecutionId=" + onFeature).get("ruleExecutionDetails");
            assertThat(rules).hasSize(1);
            assertThat(rules.at("/0/ruleName").asText()).isEqualTo("OnlyMain");
            assertThat(rules.at("/0/status").asText()).isEqualTo("Failed");
            assertThat(rules.at("/0/input/resolvedConfiguration/Variable").asText()).isEqualTo("feature/login");
            assertThat(rules.at("/0/output/executionResult/errorDetails/message").asText()).contains("'feature/login' EQ 'main' is false");

            String onMain = pushedExecution(aws, "shop-main");
            JsonNode mainDone = Executions.awaitSettled(aws, "shop-main", onMain, Duration.ofSeconds(90));
            assertThat(mainDone.get("status").asText()).as(mainDone.toString()).isEqualTo("Succeeded");
            JsonNode mainDeploy = stage(aws.ok("codepipeline", "get-pipeline-state", "--name", "shop-main"), "Deploy");
            assertThat(mainDeploy.at("/latestExecution/status").asText()).isEqualTo("Succeeded");
            assertThat(mainDeploy.at("/beforeEntryConditionState/latestExecution/status").asText()).isEqualTo("Succeeded");

            JsonNode types = aws.ok("codepipeline", "list-rule-types", "--rule-owner-filter", "AWS").get("ruleTypes");
            assertThat(types.findValuesAsText("provider")).contains("VariableCheck", "DeploymentWindow", "Commands");
        }
    }
}
