package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static dev.conveyor.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.ConditionNotOverridableException;
import software.amazon.awssdk.services.codepipeline.model.ConditionType;
import software.amazon.awssdk.services.codepipeline.model.ExecutionType;
import software.amazon.awssdk.services.codepipeline.model.ListRuleExecutionsResponse;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionOutdatedException;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.codepipeline.model.Result;
import software.amazon.awssdk.services.codepipeline.model.RetryTrigger;
import software.amazon.awssdk.services.codepipeline.model.RuleDeclaration;
import software.amazon.awssdk.services.codepipeline.model.RuleExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.RuleExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;
import software.amazon.awssdk.services.codepipeline.model.StageExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.StageNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.StageRetryMode;
import software.amazon.awssdk.services.codepipeline.model.StageState;
import software.amazon.awssdk.services.codepipeline.model.StartTimeRange;
import software.amazon.awssdk.services.codepipeline.model.UnableToRollbackStageException;

/**
 * Stage conditions, rules, automatic retry and rollback, RollbackStage and OverrideStageCondition through the AWS SDK
 * for Java v2 (so the SDK parses every shape), with real Commands actions on the embedded agent, on both databases.
 */
class StageConditionsApiTest extends ServerApiTest {

    @org.junit.jupiter.params.BeforeParameterizedClassInvocation
    static void putSharedSource() {
        ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "shared\n"));
    }

    // ---- fixtures

    static RuleDeclaration rule(String name, String provider, Map<String, String> configuration) {
        return RuleDeclaration.builder().name(name)
                .ruleTypeId(t -> t.category("Rule").owner("AWS").provider(provider).version("1"))
                .configuration(configuration).build();
    }

    static RuleDeclaration variableCheck(String name, String variable, String operator, String value) {
        return rule(name, "VariableCheck", Map.of("Variable", variable, "Operator", operator, "Value", value));
    }

    static StageDeclaration beforeEntry(StageDeclaration stage, Result result, RuleDeclaration... rules) {
        return stage.toBuilder().beforeEntry(b -> b.conditions(c -> c.result(result).rules(rules))).build();
    }

    static StageDeclaration onSuccess(StageDeclaration stage, Result result, RuleDeclaration... rules) {
        return stage.toBuilder().onSuccess(b -> b.conditions(c -> c.result(result).rules(rules))).build();
    }

    static PipelineDeclaration withVariable(PipelineDeclaration pipeline, String name, String defaultValue) {
        return pipeline.toBuilder().variables(v -> v.name(name).defaultValue(defaultValue)).build();
    }

    /** A pipeline like {@link ExecutionFixtures#pipeline} whose source is object {@code key} of its own. */
    static PipelineDeclaration ownSource(PipelineDeclaration pipeline, String key) {
        List<StageDeclaration> stages = new java.util.ArrayList<>(pipeline.stages());
        stages.set(0, stage("Source", ExecutionFixtures.source(key)));
        return pipeline.toBuilder().stages(stages).build();
    }

    private static void putSource(String key, String content) {
        ExecutionFixtures.putSource(fixture.server().objects(), key, Map.of("app.txt", content));
    }

    /** Puts a new source object for a pipeline that exists and returns the execution that change started. */
    private static String changeSource(String pipeline, String key, String content) {
        java.util.Set<String> before = executions(pipeline).stream().map(PipelineExecutionSummary::pipelineExecutionId)
                .collect(java.util.stream.Collectors.toSet());
        putSource(key, content);
        return await(() -> executions(pipeline).stream().filter(e -> !before.contains(e.pipelineExecutionId())
                        && e.executionType() != ExecutionType.ROLLBACK).findFirst().orElse(null),
                e -> e != null, Duration.ofSeconds(30), "the source change to start " + pipeline).pipelineExecutionId();
    }

    private static String created(String pipeline) {
        return ExecutionFixtures.createdExecution(client(), pipeline);
    }

    private static StageState stageState(String pipeline, String stage) {
        return client().getPipelineState(r -> r.name(pipeline)).stageStates().stream()
                .filter(s -> s.stageName().equals(stage)).findFirst().orElseThrow();
    }

    private static List<ActionExecutionDetail> actions(String pipeline, String executionId) {
        return client().listActionExecutionsPaginator(r -> r.pipelineName(pipeline).filter(f -> f.pipelineExecutionId(executionId)))
                .actionExecutionDetails().stream().toList();
    }

    private static List<RuleExecutionDetail> rules(String pipeline, String executionId) {
        return client().listRuleExecutionsPaginator(r -> r.pipelineName(pipeline).filter(f -> f.pipelineExecutionId(executionId)))
                .ruleExecutionDetails().stream().toList();
    }

    /** A directory the test and this server's sandboxed jobs both write (markers, deployed files). */
    private static Path tempDir() {
        return fixture.jobSharedDirectory("conditions");
    }

    // ---- beforeEntry

    @Test
    void aBeforeEntryVariableCheckSkipsTheStageOnAFeatureBranchAndTheNextStageRuns() {
        client().createPipeline(r -> r.pipeline(withVariable(pipeline("skip-feature", "QUEUED",
                beforeEntry(stage("Deploy", commands("Deploy", 1, "true")), Result.SKIP,
                        variableCheck("OnMain", "#{variables.Branch}", "EQ", "main")),
                stage("Notify", commands("Notify", 1, "true"))), "Branch", "feature/login")));
        String id = created("skip-feature");
        PipelineExecution done = awaitSettled(client(), "skip-feature", id);

        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(actions("skip-feature", id)).extracting(ActionExecutionDetail::actionName).contains("Notify").doesNotContain("Deploy");
        StageState deploy = stageState("skip-feature", "Deploy");
        assertThat(deploy.latestExecution().status()).isEqualTo(StageExecutionStatus.SKIPPED);
        assertThat(deploy.beforeEntryConditionState().latestExecution().statusAsString()).isEqualTo("Failed");
        assertThat(deploy.beforeEntryConditionState().conditionStates()).singleElement().satisfies(c -> {
            assertThat(c.latestExecution().statusAsString()).isEqualTo("Failed");
            assertThat(c.ruleStates()).singleElement().satisfies(rule -> {
                assertThat(rule.ruleName()).isEqualTo("OnMain");
                assertThat(rule.latestExecution().status()).isEqualTo(RuleExecutionStatus.FAILED);
                assertThat(rule.latestExecution().errorDetails().message()).contains("'feature/login' EQ 'main' is false");
            });
        });
        assertThat(rules("skip-feature", id)).singleElement().satisfies(r -> {
            assertThat(r.stageName()).isEqualTo("Deploy");
            assertThat(r.input().ruleTypeId().provider()).isEqualTo("VariableCheck");
            assertThat(r.input().resolvedConfiguration()).containsEntry("Variable", "feature/login");
            assertThat(r.input().configuration()).containsEntry("Variable", "#{variables.Branch}");
            assertThat(r.output().executionResult().errorDetails().code()).isEqualTo("JobFailed");
        });

        // On main the condition is met and the stage runs.
        String onMain = client().startPipelineExecution(r -> r.name("skip-feature").variables(v -> v.name("Branch").value("main")))
                .pipelineExecutionId();
        assertThat(awaitSettled(client(), "skip-feature", onMain).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(actions("skip-feature", onMain)).extracting(ActionExecutionDetail::actionName).contains("Deploy", "Notify");
        assertThat(stageState("skip-feature", "Deploy").beforeEntryConditionState().latestExecution().statusAsString()).isEqualTo("Succeeded");
    }

    @Test
    void aBeforeEntryConditionWithResultFailFailsTheStageAndTheExecution() {
        client().createPipeline(r -> r.pipeline(withVariable(pipeline("entry-fail", "QUEUED",
                beforeEntry(stage("Deploy", commands("Deploy", 1, "true")), Result.FAIL,
                        variableCheck("Matches", "#{variables.Environment}", "MATCHES", "prod-.*"),
                        variableCheck("Contains", "#{variables.Environment}", "CONTAINS", "entry"))), "Environment", "entry-test")));
        String id = created("entry-fail");
        PipelineExecution done = awaitSettled(client(), "entry-fail", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(done.statusSummary()).contains("entry condition of stage 'Deploy'").contains("Matches");
        assertThat(actions("entry-fail", id)).extracting(ActionExecutionDetail::actionName).doesNotContain("Deploy");
        assertThat(rules("entry-fail", id)).extracting(RuleExecutionDetail::ruleName, RuleExecutionDetail::status)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("Matches", RuleExecutionStatus.FAILED),
                        org.assertj.core.groups.Tuple.tuple("Contains", RuleExecutionStatus.SUCCEEDED));
        assertThat(stageState("entry-fail", "Deploy").latestExecution().status()).isEqualTo(StageExecutionStatus.FAILED);
    }

    @Test
    void aRuleThatNeedsWhatThisServerLacksFailsClearlyInsteadOfWaiting() {
        client().createPipeline(r -> r.pipeline(pipeline("missing-things", "QUEUED",
                beforeEntry(stage("Deploy", commands("Deploy", 1, "true")), Result.FAIL,
                        rule("Alarm", "CloudWatchAlarm", Map.of("AlarmName", "latency-high")),
                        rule("Check", "LambdaInvoke", Map.of("FunctionName", "no-such-function"))))));
        String id = created("missing-things");
        assertThat(awaitSettled(client(), "missing-things", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        Map<String, RuleExecutionDetail> byName = rules("missing-things", id).stream()
                .collect(java.util.stream.Collectors.toMap(RuleExecutionDetail::ruleName, r -> r));
        assertThat(byName.get("Alarm").status()).isEqualTo(RuleExecutionStatus.FAILED);
        assertThat(byName.get("Alarm").output().executionResult().errorDetails().message())
                .contains("Alarm 'latency-high' does not exist");
        assertThat(byName.get("Check").status()).isEqualTo(RuleExecutionStatus.FAILED);
        assertThat(byName.get("Check").output().executionResult().errorDetails().message()).contains("no-such-function");
    }

    @Test
    void aCommandsRuleRunsItsCommandsOverItsInputArtifact() {
        putSource("commands-rule.zip", "ready\n");
        RuleDeclaration ready = RuleDeclaration.builder().name("Ready").ruleTypeId(t -> t.category("Rule").owner("AWS").provider("Commands").version("1"))
                .commands("grep -q ready app.txt").inputArtifacts(a -> a.name("SourceOutput")).build();
        RuleDeclaration notReady = ready.toBuilder().name("NotReady").commands("grep -q shipped app.txt").build();
        client().createPipeline(r -> r.pipeline(ownSource(pipeline("commands-rule", "QUEUED",
                beforeEntry(stage("Deploy", commands("Deploy", 1, "true")), Result.SKIP, ready),
                beforeEntry(stage("Ship", commands("Ship", 1, "true")), Result.SKIP, notReady)), "commands-rule.zip")));
        String id = created("commands-rule");
        assertThat(awaitSettled(client(), "commands-rule", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(actions("commands-rule", id)).extracting(ActionExecutionDetail::actionName).contains("Deploy").doesNotContain("Ship");
        assertThat(stageState("commands-rule", "Ship").latestExecution().status()).isEqualTo(StageExecutionStatus.SKIPPED);
        RuleExecutionDetail failed = rules("commands-rule", id).stream().filter(r -> r.ruleName().equals("NotReady")).findFirst().orElseThrow();
        assertThat(failed.output().executionResult().errorDetails().message()).contains("exit code 1").contains("grep -q shipped app.txt");
        RuleExecutionDetail passed = rules("commands-rule", id).stream().filter(r -> r.ruleName().equals("Ready")).findFirst().orElseThrow();
        assertThat(passed.status()).isEqualTo(RuleExecutionStatus.SUCCEEDED);
        assertThat(passed.output().executionResult().externalExecutionSummary()).as("the Commands job's own summary").isEqualTo("Ran 1 commands");

        // The rules ran as Commands jobs on the agent: each one's link is its log on this server, as an action's is.
        for (RuleExecutionDetail rule : List.of(passed, failed)) {
            String link = rule.output().executionResult().externalExecutionUrl();
            assertThat(link).isEqualTo(fixture.endpoint() + "/conveyor/v1/logs/" + rule.ruleExecutionId());
            assertThat(signedGet(link)).contains("$ " + (rule == passed ? "grep -q ready app.txt" : "grep -q shipped app.txt"))
                    .contains("input artifact SourceOutput unpacked");
        }
        assertThat(stageState("commands-rule", "Ship").beforeEntryConditionState().conditionStates().getFirst().ruleStates().getFirst()
                .latestExecution().externalExecutionUrl()).endsWith("/conveyor/v1/logs/" + failed.ruleExecutionId());
    }

    @Test
    void aCommandsRuleSeesVariablesAsTheCommandsActionDoes() {
        RuleDeclaration echo = RuleDeclaration.builder().name("Echo").ruleTypeId(t -> t.category("Rule").owner("AWS").provider("Commands").version("1"))
                .commands("test \"#{variables.Target}\" = 'prod; rm -rf /'").build();
        client().createPipeline(r -> r.pipeline(withVariable(pipeline("commands-rule-variables", "QUEUED",
                beforeEntry(stage("Deploy", commands("Deploy", 1, "true")), Result.FAIL, echo)), "Target", "prod; rm -rf /")));
        String id = created("commands-rule-variables");
        assertThat(awaitSettled(client(), "commands-rule-variables", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(rules("commands-rule-variables", id)).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RuleExecutionStatus.SUCCEEDED);
            assertThat(signedGet(r.output().executionResult().externalExecutionUrl())).as("the value is not pasted into the command")
                    .contains("$ test \"${CONVEYOR_VAR_1}\" = 'prod; rm -rf /'");
        });
    }

    /** A GET of this server's log endpoint, signed with the test key. */
    static String signedGet(String url) {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<String> response = http.send(dev.conveyor.testkit.TestSigner.request("GET", java.net.URI.create(url),
                    Map.of(), null, "logs").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET " + url + ": " + response.body()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One function for the Invoke/AWS/Lambda action and the LambdaInvoke rule: it gets the CodePipeline job event, reads
     * its input artifact with the job's artifact credentials and answers PutJobSuccessResult or PutJobFailureResult
     * (once with a continuation token first, when asked).
     */
    static final String GATE_FUNCTION = """
            import io, os, zipfile
            import boto3
            from botocore.config import Config

            def handler(event, context):
                job = event["CodePipeline.job"]
                data = job["data"]
                creds = data["artifactCredentials"]
                keys = dict(aws_access_key_id=creds["accessKeyId"], aws_secret_access_key=creds["secretAccessKey"],
                            aws_session_token=creds["sessionToken"])
                endpoint = os.environ["AWS_ENDPOINT_URL"]
                codepipeline = boto3.client("codepipeline", endpoint_url=endpoint, **keys)
                params = data["actionConfiguration"]["configuration"].get("UserParameters", "")
                if params == "raise":
                    raise ValueError("the gate is broken")
                if params == "silent":
                    return "forgot to report"
                if params == "continue" and "continuationToken" not in data:
                    codepipeline.put_job_success_result(jobId=job["id"], continuationToken="second-look",
                                                        executionDetails={"summary": "first look"})
                    return "continued"
                s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"), **keys)
                source = data["inputArtifacts"][0]["location"]["s3Location"]
                body = s3.get_object(Bucket=source["bucketName"], Key=source["objectKey"])["Body"].read()
                text = zipfile.ZipFile(io.BytesIO(body)).read("app.txt").decode().strip()
                if text != "ready":
                    codepipeline.put_job_failure_result(jobId=job["id"], failureDetails={"type": "JobFailed",
                        "message": "the source says " + text, "externalExecutionId": context.aws_request_id})
                    return "failed"
                token = data.get("continuationToken", "none")
                codepipeline.put_job_success_result(jobId=job["id"], outputVariables={"GATE": "open"},
                    executionDetails={"summary": "the gate is open (" + token + ")", "externalExecutionId": context.aws_request_id})
                return "done"
            """;

    static RuleDeclaration lambdaRule(String name, String function, String userParameters) {
        return rule(name, "LambdaInvoke", Map.of("FunctionName", function, "UserParameters", userParameters)).toBuilder()
                .inputArtifacts(a -> a.name("SourceOutput")).build();
    }

    @Test
    void aLambdaInvokeRuleGetsTheInvokeActionsJobEventAndTakesItsResultFromPutJobResult() {
        String functionName = "gate-" + databaseKind;
        try (software.amazon.awssdk.services.lambda.LambdaClient lambda = ServerFixture.sdkClient(
                software.amazon.awssdk.services.lambda.LambdaClient.builder(), fixture.endpoint())) {
            lambda.createFunction(r -> r.functionName(functionName).runtime(software.amazon.awssdk.services.lambda.model.Runtime.PYTHON3_12)
                    .role("arn:aws:iam::000000000000:role/lambda").handler("gate.handler").timeout(60)
                    .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(
                            dev.conveyor.server.functions.FunctionZips.zip().file("gate.py", GATE_FUNCTION).bytes()))));
        }
        putSource("lambda-rule.zip", "ready\n");
        ActionDeclaration invoke = ActionDeclaration.builder().name("Gate")
                .actionTypeId(SamplePipelines.type(software.amazon.awssdk.services.codepipeline.model.ActionCategory.INVOKE, "Lambda"))
                .configuration(Map.of("FunctionName", functionName, "UserParameters", "pass"))
                .inputArtifacts(a -> a.name("SourceOutput")).runOrder(1).build();
        client().createPipeline(r -> r.pipeline(ownSource(pipeline("lambda-rule", "QUEUED",
                beforeEntry(stage("Open", invoke), Result.FAIL, lambdaRule("Gate", functionName, "continue")),
                beforeEntry(stage("Broken", commands("Broken", 1, "true")), Result.SKIP, lambdaRule("Gate", functionName, "raise")),
                beforeEntry(stage("Silent", commands("Silent", 1, "true")), Result.SKIP, lambdaRule("Gate", functionName, "silent"))),
                "lambda-rule.zip")));
        String id = created("lambda-rule");
        PipelineExecution done = awaitSettled(client(), "lambda-rule", id);
        assertThat(done.status()).as(String.valueOf(done.statusSummary())).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        ActionExecutionDetail action = actions("lambda-rule", id).stream().filter(a -> a.actionName().equals("Gate")).findFirst().orElseThrow();
        assertThat(action.output().outputVariables()).as("the same function, as an action").containsEntry("GATE", "open");
        assertThat(actions("lambda-rule", id)).extracting(ActionExecutionDetail::actionName).doesNotContain("Broken", "Silent");

        Map<String, RuleExecutionDetail> byStage = rules("lambda-rule", id).stream()
                .collect(java.util.stream.Collectors.toMap(RuleExecutionDetail::stageName, r -> r));
        RuleExecutionDetail open = byStage.get("Open");
        assertThat(open.status()).isEqualTo(RuleExecutionStatus.SUCCEEDED);
        assertThat(open.output().executionResult().externalExecutionSummary()).as("reported with the continuation token's second look")
                .isEqualTo("the gate is open (second-look)");
        assertThat(open.output().executionResult().externalExecutionId()).as("the invocation's request id, as the function reported it")
                .isNotBlank().isNotEqualTo(open.ruleExecutionId());
        assertThat(signedGet(open.output().executionResult().externalExecutionUrl())).as("both invocations' logs, in the rule's")
                .contains("[conveyor] invoking " + functionName + " for job", "with continuation token second-look", "START RequestId: ");

        assertThat(byStage.get("Broken").status()).isEqualTo(RuleExecutionStatus.FAILED);
        assertThat(byStage.get("Broken").output().executionResult().errorDetails().message()).isEqualTo("the gate is broken");
        assertThat(byStage.get("Silent").status()).isEqualTo(RuleExecutionStatus.FAILED);
        assertThat(byStage.get("Silent").output().executionResult().errorDetails().message()).as("no report: the rule fails at once")
                .contains("returned without calling PutJobSuccessResult or PutJobFailureResult");

        // A function's PutJobFailureResult fails the rule with its message.
        String second = changeSource("lambda-rule", "lambda-rule.zip", "not yet\n");
        assertThat(awaitSettled(client(), "lambda-rule", second).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(rules("lambda-rule", second)).filteredOn(r -> r.stageName().equals("Open")).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RuleExecutionStatus.FAILED);
            assertThat(r.output().executionResult().errorDetails().message()).isEqualTo("the source says not yet");
        });
    }

    @Test
    void aCodeBuildRuleBuildsAProjectOverItsInputArtifactAndFollowsTheBuildToItsEnd() {
        try (CodeBuildClients builds = new CodeBuildClients(fixture.endpoint())) {
            for (String[] project : new String[][] {{"gate-pass-" + databaseKind, "grep -q shared app.txt"}, {"gate-fail-" + databaseKind, "exit 7"}}) {
                builds.codeBuild.createProject(r -> r.name(project[0]).serviceRole("arn:aws:iam::000000000000:role/cb")
                        .source(s -> s.type("NO_SOURCE").buildspec("version: 0.2\nphases:\n  build:\n    commands: ['" + project[1] + "']\n"))
                        .artifacts(a -> a.type("NO_ARTIFACTS")).environment(CodeBuildClients.hostEnvironment()));
            }
            client().createPipeline(r -> r.pipeline(pipeline("build-rule", "QUEUED",
                    beforeEntry(stage("Passing", commands("Passing", 1, "true")), Result.SKIP,
                            rule("Checks", "CodeBuild", Map.of("ProjectName", "gate-pass-" + databaseKind)).toBuilder()
                                    .inputArtifacts(a -> a.name("SourceOutput")).build()),
                    beforeEntry(stage("Failing", commands("Failing", 1, "true")), Result.SKIP,
                            rule("Checks", "CodeBuild", Map.of("ProjectName", "gate-fail-" + databaseKind))))));
            String id = created("build-rule");
            assertThat(awaitSettled(client(), "build-rule", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
            assertThat(actions("build-rule", id)).extracting(ActionExecutionDetail::actionName).contains("Passing").doesNotContain("Failing");
            Map<String, RuleExecutionDetail> byStage = rules("build-rule", id).stream()
                    .collect(java.util.stream.Collectors.toMap(RuleExecutionDetail::stageName, r -> r));
            String passingBuild = byStage.get("Passing").output().executionResult().externalExecutionId();
            assertThat(builds.build(passingBuild).buildStatusAsString()).isEqualTo("SUCCEEDED");
            assertThat(byStage.get("Failing").output().executionResult().errorDetails().message()).contains("ended FAILED");
        }
    }

    @Test
    void aCloudWatchAlarmRuleReadsTheAlarmsOfThisServer() {
        String alarm = "checkout-health-" + databaseKind;
        try (software.amazon.awssdk.services.cloudwatch.CloudWatchClient cw = ServerFixture.sdkClient(
                software.amazon.awssdk.services.cloudwatch.CloudWatchClient.builder(), fixture.endpoint())) {
            cw.putMetricAlarm(r -> r.alarmName(alarm).namespace("Shop").metricName("Errors").statistic("Sum").period(60)
                    .evaluationPeriods(1).threshold(5.0).comparisonOperator("GreaterThanThreshold"));
            cw.setAlarmState(r -> r.alarmName(alarm).stateValue("OK").stateReason("healthy"));
            client().createPipeline(r -> r.pipeline(pipeline("alarm-rule", "QUEUED",
                    onSuccess(stage("Deploy", commands("Deploy", 1, "true")), Result.FAIL,
                            rule("Healthy", "CloudWatchAlarm", Map.of("AlarmName", alarm, "AlarmStates", "OK"))))));
            String healthy = created("alarm-rule");
            assertThat(awaitSettled(client(), "alarm-rule", healthy).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);

            cw.setAlarmState(r -> r.alarmName(alarm).stateValue("ALARM").stateReason("errors"));
            String alarming = client().startPipelineExecution(r -> r.name("alarm-rule")).pipelineExecutionId();
            PipelineExecution failed = awaitSettled(client(), "alarm-rule", alarming);
            assertThat(failed.status()).isEqualTo(PipelineExecutionStatus.FAILED);
            assertThat(failed.statusSummary()).contains("success condition of stage 'Deploy'").contains("is ALARM, not OK");
        }
    }

    // ---- onSuccess

    @Test
    void anOnSuccessConditionThatIsNotMetFailsTheStageAfterItsActionsSucceeded() {
        client().createPipeline(r -> r.pipeline(withVariable(pipeline("success-fail", "QUEUED",
                onSuccess(stage("Build", commands("Build", 1, "true")), Result.FAIL,
                        variableCheck("NotThis", "#{variables.Environment}", "NE", "staging")),
                stage("Deploy", commands("Deploy", 1, "true"))), "Environment", "staging")));
        String id = created("success-fail");
        PipelineExecution done = awaitSettled(client(), "success-fail", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(done.statusSummary()).contains("success condition of stage 'Build'");
        assertThat(actions("success-fail", id)).extracting(ActionExecutionDetail::actionName).contains("Build").doesNotContain("Deploy");
        StageState build = stageState("success-fail", "Build");
        assertThat(build.latestExecution().status()).isEqualTo(StageExecutionStatus.FAILED);
        assertThat(build.onSuccessConditionState().latestExecution().statusAsString()).isEqualTo("Failed");
    }

    @Test
    void aManualRetryOfAStageWithoutConditionsShowsInTheStateReadBeforeIt() {
        client().createPipeline(r -> r.pipeline(pipeline("retry-plain", "QUEUED", stage("Build", commands("Build", 1, "exit 4")))));
        String id = created("retry-plain");
        assertThat(awaitSettled(client(), "retry-plain", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        // Read twice while failed: the server keeps a stopped stage's retry metadata (issue 20), and must not keep it stale.
        assertThat(stageState("retry-plain", "Build").retryStageMetadata()).isNull();
        assertThat(stageState("retry-plain", "Build").retryStageMetadata()).isNull();

        client().retryStageExecution(r -> r.pipelineName("retry-plain").stageName("Build").pipelineExecutionId(id)
                .retryMode(StageRetryMode.FAILED_ACTIONS));
        assertThat(awaitSettled(client(), "retry-plain", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        StageState after = stageState("retry-plain", "Build");
        assertThat(after.latestExecution().status()).isEqualTo(StageExecutionStatus.FAILED);
        assertThat(after.retryStageMetadata().manualStageRetryAttempt()).isEqualTo(1);
        assertThat(after.retryStageMetadata().autoStageRetryAttempt()).isEqualTo(0);
        assertThat(after.retryStageMetadata().latestRetryTrigger()).isEqualTo(RetryTrigger.MANUAL_STAGE_RETRY);
    }

    // ---- onFailure: RETRY

    @Test
    void anAutomaticRetryRunsAFailedStageOnceMoreAndThenFails() {
        client().createPipeline(r -> r.pipeline(pipeline("retry-fails", "QUEUED",
                stage("Build", commands("Build", 1, "exit 4")).toBuilder()
                        .onFailure(f -> f.result(Result.RETRY).retryConfiguration(c -> c.retryMode(StageRetryMode.ALL_ACTIONS))).build())));
        String id = created("retry-fails");
        PipelineExecution done = awaitSettled(client(), "retry-fails", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(actions("retry-fails", id)).filteredOn(a -> a.actionName().equals("Build")).hasSize(2);
        StageState build = stageState("retry-fails", "Build");
        assertThat(build.retryStageMetadata().autoStageRetryAttempt()).isEqualTo(1);
        assertThat(build.retryStageMetadata().manualStageRetryAttempt()).isEqualTo(0);
        assertThat(build.retryStageMetadata().latestRetryTrigger()).isEqualTo(RetryTrigger.AUTOMATED_STAGE_RETRY);

        // A manual retry afterwards is counted as one.
        client().retryStageExecution(r -> r.pipelineName("retry-fails").stageName("Build").pipelineExecutionId(id)
                .retryMode(StageRetryMode.FAILED_ACTIONS));
        assertThat(awaitSettled(client(), "retry-fails", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        StageState after = stageState("retry-fails", "Build");
        assertThat(after.retryStageMetadata().manualStageRetryAttempt()).isEqualTo(1);
        assertThat(after.retryStageMetadata().latestRetryTrigger()).isEqualTo(RetryTrigger.MANUAL_STAGE_RETRY);
        assertThat(actions("retry-fails", id)).filteredOn(a -> a.actionName().equals("Build")).hasSize(3);
    }

    @Test
    void anAutomaticRetryOfOnlyTheFailedActionsLetsAFlakyStageSucceed() {
        Path marker = tempDir().resolve("tried-once");
        client().createPipeline(r -> r.pipeline(pipeline("retry-flaky", "QUEUED",
                stage("Build", commands("Steady", 1, "true"),
                        commands("Flaky", 1, "test -f '" + marker + "' || { touch '" + marker + "'; false; }"))
                        .toBuilder().onFailure(f -> f.result(Result.RETRY)
                                .retryConfiguration(c -> c.retryMode(StageRetryMode.FAILED_ACTIONS))).build())));
        String id = created("retry-flaky");
        PipelineExecution settled = awaitSettled(client(), "retry-flaky", id);
        assertThat(settled.status()).as(settled.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        List<ActionExecutionDetail> all = actions("retry-flaky", id);
        assertThat(all).filteredOn(a -> a.actionName().equals("Flaky")).hasSize(2);
        assertThat(all).filteredOn(a -> a.actionName().equals("Steady")).as("FAILED_ACTIONS keeps what succeeded").hasSize(1);
        assertThat(stageState("retry-flaky", "Build").retryStageMetadata().autoStageRetryAttempt()).isEqualTo(1);
    }

    // ---- rollback

    /** Source → Deploy (copies app.txt to {@code target}, refuses a broken one), rolled back automatically on failure. */
    private static PipelineDeclaration deployPipeline(String name, Path target, boolean automaticRollback) {
        ActionDeclaration deploy = commands("Deploy", 1, "if grep -q broken app.txt; then echo refusing a broken release; exit 1; fi",
                "cp app.txt '" + target + "'");
        StageDeclaration stage = stage("Deploy", deploy);
        if (automaticRollback) {
            stage = stage.toBuilder().onFailure(f -> f.result(Result.ROLLBACK)).build();
        }
        return ownSource(pipeline(name, "QUEUED", stage), name + ".zip");
    }

    private static PipelineExecutionSummary awaitRollback(String pipeline, String target) {
        return await(() -> client().listPipelineExecutions(r -> r.pipelineName(pipeline)).pipelineExecutionSummaries().stream()
                        .filter(e -> e.executionType() == ExecutionType.ROLLBACK && e.rollbackMetadata() != null
                                && target.equals(e.rollbackMetadata().rollbackTargetPipelineExecutionId())).findFirst().orElse(null),
                e -> e != null, Duration.ofSeconds(60), "a rollback to " + target);
    }

    @Test
    void anAutomaticRollbackAfterAFailedDeployReturnsTheStageToThePreviousGoodArtifacts() throws IOException {
        Path deployed = tempDir().resolve("current.txt");
        putSource("auto-rollback.zip", "good release\n");
        client().createPipeline(r -> r.pipeline(deployPipeline("auto-rollback", deployed, true)));
        String good = created("auto-rollback");
        assertThat(awaitSettled(client(), "auto-rollback", good).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(Files.readString(deployed)).isEqualTo("good release\n");

        Files.writeString(deployed, "half-deployed\n"); // what a failed deploy leaves behind
        String bad = changeSource("auto-rollback", "auto-rollback.zip", "broken release\n");
        PipelineExecution failed = awaitSettled(client(), "auto-rollback", bad);
        assertThat(failed.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(failed.statusSummary()).contains("rolling back stage 'Deploy' to execution " + good);

        PipelineExecutionSummary rollback = awaitRollback("auto-rollback", good);
        assertThat(rollback.trigger().triggerTypeAsString()).isEqualTo("AutomatedRollback");
        PipelineExecution rolledBack = awaitSettled(client(), "auto-rollback", rollback.pipelineExecutionId());
        assertThat(rolledBack.status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(rolledBack.executionType()).isEqualTo(ExecutionType.ROLLBACK);
        assertThat(rolledBack.rollbackMetadata().rollbackTargetPipelineExecutionId()).isEqualTo(good);
        assertThat(Files.readString(deployed)).as("the stage runs again with the good execution's artifacts").isEqualTo("good release\n");
        assertThat(actions("auto-rollback", rollback.pipelineExecutionId())).extracting(ActionExecutionDetail::actionName)
                .as("a rollback re-runs only its stage").containsExactly("Deploy");
        StageState deploy = stageState("auto-rollback", "Deploy");
        assertThat(deploy.latestExecution().pipelineExecutionId()).isEqualTo(rollback.pipelineExecutionId());
        assertThat(deploy.latestExecution().type()).isEqualTo(ExecutionType.ROLLBACK);

        List<PipelineExecutionSummary> succeededInDeploy = client().listPipelineExecutions(r -> r.pipelineName("auto-rollback")
                .filter(f -> f.succeededInStage(s -> s.stageName("Deploy")))).pipelineExecutionSummaries();
        assertThat(succeededInDeploy).extracting(PipelineExecutionSummary::pipelineExecutionId)
                .containsExactly(rollback.pipelineExecutionId(), good);
    }

    @Test
    void aManualRollbackRerunsTheStageWithTheTargetsArtifactsAndEachRefusalNamesItsReason() throws IOException {
        Path deployed = tempDir().resolve("current.txt");
        putSource("manual-rollback.zip", "release 1\n");
        client().createPipeline(r -> r.pipeline(deployPipeline("manual-rollback", deployed, false)));
        String first = created("manual-rollback");
        assertThat(awaitSettled(client(), "manual-rollback", first).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        String second = changeSource("manual-rollback", "manual-rollback.zip", "release 2\n");
        assertThat(awaitSettled(client(), "manual-rollback", second).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(Files.readString(deployed)).isEqualTo("release 2\n");

        String rollback = client().rollbackStage(r -> r.pipelineName("manual-rollback").stageName("Deploy")
                .targetPipelineExecutionId(first)).pipelineExecutionId();
        PipelineExecution done = awaitSettled(client(), "manual-rollback", rollback);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.trigger().triggerTypeAsString()).isEqualTo("ManualRollback");
        assertThat(done.executionType()).isEqualTo(ExecutionType.ROLLBACK);
        assertThat(done.rollbackMetadata().rollbackTargetPipelineExecutionId()).isEqualTo(first);
        assertThat(done.artifactRevisions()).extracting(r -> r.revisionId())
                .isEqualTo(ExecutionFixtures.execution(client(), "manual-rollback", first).artifactRevisions().stream().map(r -> r.revisionId()).toList());
        assertThat(Files.readString(deployed)).isEqualTo("release 1\n");

        assertThatThrownBy(() -> client().rollbackStage(r -> r.pipelineName("manual-rollback").stageName("Source")
                .targetPipelineExecutionId(first))).isInstanceOf(UnableToRollbackStageException.class).hasMessageContaining("source stage");
        assertThatThrownBy(() -> client().rollbackStage(r -> r.pipelineName("manual-rollback").stageName("Deploy")
                .targetPipelineExecutionId(rollback))).isInstanceOf(UnableToRollbackStageException.class).hasMessageContaining("itself a rollback");
        assertThatThrownBy(() -> client().rollbackStage(r -> r.pipelineName("manual-rollback").stageName("Nowhere")
                .targetPipelineExecutionId(first))).isInstanceOf(StageNotFoundException.class);
        assertThatThrownBy(() -> client().rollbackStage(r -> r.pipelineName("manual-rollback").stageName("Deploy")
                .targetPipelineExecutionId("00000000-0000-0000-0000-000000000000"))).isInstanceOf(PipelineExecutionNotFoundException.class);

        // A target that never succeeded in the stage.
        String broken = changeSource("manual-rollback", "manual-rollback.zip", "broken\n");
        assertThat(awaitSettled(client(), "manual-rollback", broken).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThatThrownBy(() -> client().rollbackStage(r -> r.pipelineName("manual-rollback").stageName("Deploy")
                .targetPipelineExecutionId(broken))).isInstanceOf(UnableToRollbackStageException.class).hasMessageContaining("did not succeed");

        // After an update, executions of the earlier version are outdated targets.
        PipelineDeclaration current = client().getPipeline(r -> r.name("manual-rollback")).pipeline();
        client().updatePipeline(r -> r.pipeline(current.toBuilder().stages(current.stages().get(0),
                current.stages().get(1).toBuilder().actions(commands("Deploy", 1, "cp app.txt '" + deployed + "'")).build()).build()));
        assertThatThrownBy(() -> client().rollbackStage(r -> r.pipelineName("manual-rollback").stageName("Deploy")
                .targetPipelineExecutionId(first))).isInstanceOf(PipelineExecutionOutdatedException.class);
    }

    // ---- override

    @Test
    void overridingAWaitingDeploymentWindowLetsTheExecutionEnterTheStage() {
        int nextYear = ZonedDateTime.now(ZoneOffset.UTC).getYear() + 1;
        client().createPipeline(r -> r.pipeline(pipeline("window", "QUEUED",
                beforeEntry(stage("Deploy", commands("Deploy", 1, "true")), Result.FAIL,
                        rule("NewYear", "DeploymentWindow", Map.of("Cron", "* 0 0 1 1 ? " + nextYear, "TimeZone", "Europe/Paris"))))));
        String id = created("window");
        StageState waiting = await(() -> stageState("window", "Deploy"), s -> s.beforeEntryConditionState() != null
                && s.beforeEntryConditionState().conditionStates().getFirst().ruleStates().getFirst().latestExecution().summary() != null,
                Duration.ofSeconds(30), "the deployment window rule to report it waits");
        assertThat(waiting.latestExecution().status()).isEqualTo(StageExecutionStatus.IN_PROGRESS);
        assertThat(waiting.beforeEntryConditionState().latestExecution().statusAsString()).isEqualTo("InProgress");
        assertThat(waiting.beforeEntryConditionState().conditionStates().getFirst().ruleStates().getFirst().latestExecution().summary())
                .contains("Waiting for the deployment window").contains(nextYear + "-01-01T00:00+01:00");
        assertThat(ExecutionFixtures.execution(client(), "window", id).status()).isEqualTo(PipelineExecutionStatus.IN_PROGRESS);

        fixture.restart(); // the waiting rule is durable: after a restart it is still there, still waiting
        StageState restarted = stageState("window", "Deploy");
        assertThat(restarted.beforeEntryConditionState().latestExecution().statusAsString()).isEqualTo("InProgress");
        assertThat(restarted.beforeEntryConditionState().conditionStates().getFirst().ruleStates().getFirst().latestExecution().status())
                .isEqualTo(RuleExecutionStatus.IN_PROGRESS);
        assertThatThrownBy(() -> client().overrideStageCondition(r -> r.pipelineName("window").stageName("Deploy")
                .pipelineExecutionId(id).conditionType(ConditionType.ON_SUCCESS))).isInstanceOf(ConditionNotOverridableException.class);

        client().overrideStageCondition(r -> r.pipelineName("window").stageName("Deploy").pipelineExecutionId(id)
                .conditionType(ConditionType.BEFORE_ENTRY));
        assertThat(awaitSettled(client(), "window", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(actions("window", id)).extracting(ActionExecutionDetail::actionName).contains("Deploy");
        StageState after = stageState("window", "Deploy");
        assertThat(after.beforeEntryConditionState().latestExecution().statusAsString()).isEqualTo("Overridden");
        assertThat(after.beforeEntryConditionState().conditionStates().getFirst().ruleStates().getFirst().latestExecution().status())
                .isEqualTo(RuleExecutionStatus.ABANDONED);
        assertThatThrownBy(() -> client().overrideStageCondition(r -> r.pipelineName("window").stageName("Deploy")
                .pipelineExecutionId(id).conditionType(ConditionType.BEFORE_ENTRY))).isInstanceOf(ConditionNotOverridableException.class);
    }

    @Test
    void stoppingAnExecutionCancelsItsConditionInProgressAndAbandonsItsRules() {
        int nextYear = ZonedDateTime.now(ZoneOffset.UTC).getYear() + 1;
        client().createPipeline(r -> r.pipeline(pipeline("window-stop", "QUEUED",
                beforeEntry(stage("Deploy", commands("Deploy", 1, "true")), Result.FAIL,
                        rule("NewYear", "DeploymentWindow", Map.of("Cron", "* 0 0 1 1 ? " + nextYear))))));
        String id = created("window-stop");
        await(() -> stageState("window-stop", "Deploy"), s -> s.beforeEntryConditionState() != null
                && s.beforeEntryConditionState().conditionStates().getFirst().ruleStates().getFirst().latestExecution().summary() != null,
                Duration.ofSeconds(30), "the deployment window rule to wait");
        client().stopPipelineExecution(r -> r.pipelineName("window-stop").pipelineExecutionId(id).reason("not this year"));
        PipelineExecution stopped = awaitSettled(client(), "window-stop", id);
        assertThat(stopped.status()).isEqualTo(PipelineExecutionStatus.STOPPED);
        StageState deploy = stageState("window-stop", "Deploy");
        assertThat(deploy.latestExecution().status()).isEqualTo(StageExecutionStatus.STOPPED);
        assertThat(deploy.beforeEntryConditionState().latestExecution().statusAsString()).isEqualTo("Cancelled");
        assertThat(rules("window-stop", id)).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(RuleExecutionStatus.ABANDONED));
        assertThat(actions("window-stop", id)).extracting(ActionExecutionDetail::actionName).doesNotContain("Deploy");
    }

    // ---- listings

    @Test
    void ruleExecutionsArePagedNewestFirstAndFilteredToTheLatestOfAnExecution() {
        client().createPipeline(r -> r.pipeline(pipeline("rule-pages", "QUEUED",
                beforeEntry(stage("A", commands("A", 1, "true")), Result.FAIL,
                        variableCheck("One", "x", "EQ", "x"), variableCheck("Two", "y", "EQ", "y")),
                beforeEntry(stage("B", commands("B", 1, "true")), Result.FAIL, variableCheck("Three", "z", "EQ", "z")))));
        String id = created("rule-pages");
        PipelineExecution settled = awaitSettled(client(), "rule-pages", id);
        assertThat(settled.status()).as(settled.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        ListRuleExecutionsResponse page1 = client().listRuleExecutions(r -> r.pipelineName("rule-pages").maxResults(2));
        assertThat(page1.ruleExecutionDetails()).hasSize(2);
        assertThat(page1.nextToken()).isNotNull();
        ListRuleExecutionsResponse page2 = client().listRuleExecutions(r -> r.pipelineName("rule-pages").maxResults(2)
                .nextToken(page1.nextToken()));
        assertThat(page2.ruleExecutionDetails()).hasSize(1);
        assertThat(page2.nextToken()).isNull();
        assertThat(java.util.stream.Stream.concat(page1.ruleExecutionDetails().stream(), page2.ruleExecutionDetails().stream())
                .map(RuleExecutionDetail::ruleName)).containsExactlyInAnyOrder("One", "Two", "Three");
        assertThat(page1.ruleExecutionDetails().getFirst().ruleName()).as("newest first").isEqualTo("Three");
        assertThat(client().listRuleExecutions(r -> r.pipelineName("rule-pages").filter(f -> f.latestInPipelineExecution(
                l -> l.pipelineExecutionId(id).startTimeRange(StartTimeRange.LATEST)))).ruleExecutionDetails()).hasSize(3);
        assertThatThrownBy(() -> client().listRuleExecutions(r -> r.pipelineName("rule-pages")
                .filter(f -> f.pipelineExecutionId("00000000-0000-0000-0000-000000000000"))))
                .isInstanceOf(PipelineExecutionNotFoundException.class);
    }

    @Test
    void listRuleTypesAnswersTheRuleTypesThatRunHere() {
        assertThat(client().listRuleTypes(r -> r.ruleOwnerFilter("AWS")).ruleTypes()).extracting(t -> t.id().provider())
                .containsExactlyInAnyOrder("VariableCheck", "DeploymentWindow", "CloudWatchAlarm", "LambdaInvoke", "Commands", "CodeBuild");
    }
}
