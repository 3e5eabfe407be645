package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.functions.FunctionZips;
import dev.conveyor.testkit.TestCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineVariableDeclaration;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * Invoke actions on a real server, on both databases: a Python function (boto3) that reads its input artifact from
 * Conveyor's S3 with the job's artifact credentials, writes an output artifact, continues once with a continuation
 * token and reports output variables that the next stage uses; a pipeline invoke action starting another pipeline with
 * a variable; a function that raises failing its action with its message.
 */
class InvokeActionsTest {
    static final String ROLE = "arn:aws:iam::000000000000:role/lambda";
    /** A CodePipeline Lambda function: S3 and its result with the artifact credentials (Conveyor issues no role credentials yet). */
    static final String PYTHON_FUNCTION = """
            import io, os, zipfile
            import boto3
            from botocore.config import Config

            def handler(event, context):
                job = event["CodePipeline.job"]
                data = job["data"]
                creds = data["artifactCredentials"]
                endpoint = os.environ["AWS_ENDPOINT_URL"]  # older boto3 does not read it by itself
                s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
                                  aws_access_key_id=creds["accessKeyId"], aws_secret_access_key=creds["secretAccessKey"],
                                  aws_session_token=creds["sessionToken"])
                codepipeline = boto3.client("codepipeline", endpoint_url=endpoint, aws_access_key_id=creds["accessKeyId"],
                                            aws_secret_access_key=creds["secretAccessKey"], aws_session_token=creds["sessionToken"])
                params = data["actionConfiguration"]["configuration"].get("UserParameters", "")
                if params == "fail":
                    raise RuntimeError("the release notes are missing")
                if params == "continue" and "continuationToken" not in data:
                    codepipeline.put_job_success_result(jobId=job["id"], continuationToken="second-pass",
                                                        executionDetails={"summary": "first pass", "percentComplete": 50})
                    return "continued"
                source = data["inputArtifacts"][0]["location"]["s3Location"]
                body = s3.get_object(Bucket=source["bucketName"], Key=source["objectKey"])["Body"].read()
                text = zipfile.ZipFile(io.BytesIO(body)).read("app.txt").decode().strip()
                out = io.BytesIO()
                with zipfile.ZipFile(out, "w") as z:
                    z.writestr("shout.txt", text.upper())
                target = data["outputArtifacts"][0]["location"]["s3Location"]
                s3.put_object(Bucket=target["bucketName"], Key=target["objectKey"], Body=out.getvalue())
                denied = []
                for name, call in [("list", lambda: codepipeline.list_pipelines()),
                                   ("other-job", lambda: codepipeline.put_job_failure_result(jobId="00000000-0000-4000-8000-000000000000",
                                       failureDetails={"type": "JobFailed", "message": "not mine"}))]:
                    try:
                        call()
                    except codepipeline.exceptions.ClientError as e:
                        if e.response["Error"]["Code"] == "AccessDeniedException":
                            denied.append(name)
                codepipeline.put_job_success_result(jobId=job["id"], outputVariables={
                    "SHOUTED": text.upper(), "TOKEN": data.get("continuationToken", "none"), "JOB": job["id"], "DENIED": ",".join(denied)},
                    executionDetails={"summary": "shouted " + text, "externalExecutionId": context.aws_request_id})
                return "done"
            """;

    static LambdaClient lambda(ServerFixture fixture) {
        return LambdaClient.builder().endpointOverride(URI.create(fixture.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(90)).build()).build();
    }

    static ActionDeclaration lambdaAction(String name, String functionName, String userParameters) {
        return ActionDeclaration.builder().name(name).actionTypeId(SamplePipelines.type(ActionCategory.INVOKE, "Lambda"))
                .configuration(Map.of("FunctionName", functionName, "UserParameters", userParameters))
                .inputArtifacts(InputArtifact.builder().name("SourceOutput").build())
                .outputArtifacts(OutputArtifact.builder().name("ShoutOutput").build()).namespace("ShoutVariables").runOrder(1).build();
    }

    /** A Commands action that checks the Lambda's output artifact against its output variable. */
    static ActionDeclaration checkShout() {
        return ActionDeclaration.builder().name("Check").actionTypeId(SamplePipelines.type(ActionCategory.COMPUTE, "Commands"))
                .commands("cat shout.txt", "test \"$(cat shout.txt)\" = \"#{ShoutVariables.SHOUTED}\"")
                .inputArtifacts(InputArtifact.builder().name("ShoutOutput").build()).runOrder(1).build();
    }

    static ActionDeclaration invokePipeline(String target) {
        return ActionDeclaration.builder().name("Downstream").actionTypeId(SamplePipelines.type(ActionCategory.INVOKE, "CodePipeline"))
                .configuration(Map.of("PipelineName", target,
                        "Variables", "[{\"name\": \"GREETING\", \"value\": \"#{ShoutVariables.SHOUTED}\"}]"))
                .namespace("DownstreamVariables").runOrder(1).build();
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aPythonFunctionRunsAsAnInvokeActionAndItsVariablesReachTheNextStage(String kind) throws Exception {
        try (ServerFixture fixture = new ServerFixture(kind); LambdaClient lambda = lambda(fixture)) {
            CodePipelineClient client = fixture.client();
            ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "hello from the source\n"));
            lambda.createFunction(r -> r.functionName("shouter").runtime(Runtime.PYTHON3_12).role(ROLE).handler("app.handler")
                    .timeout(60).code(c -> c.zipFile(SdkBytes.fromByteArray(FunctionZips.zip().file("app.py", PYTHON_FUNCTION).bytes()))));

            PipelineDeclaration downstream = ExecutionFixtures.pipeline("downstream", "QUEUED",
                    ExecutionFixtures.stage("Greet", ExecutionFixtures.commands("Echo", 1, "echo \"greeting: #{variables.GREETING}\"")))
                    .toBuilder().variables(PipelineVariableDeclaration.builder().name("GREETING").defaultValue("none").build()).build();
            client.createPipeline(r -> r.pipeline(downstream));
            ExecutionFixtures.awaitSettled(client, "downstream", ExecutionFixtures.createdExecution(client, "downstream"));

            client.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("shouting", "QUEUED",
                    ExecutionFixtures.stage("Shout", lambdaAction("Shout", "shouter", "continue")),
                    ExecutionFixtures.stage("Next", checkShout(), invokePipeline("downstream")))));
            String id = ExecutionFixtures.createdExecution(client, "shouting");
            PipelineExecution done = ExecutionFixtures.awaitSettled(client, "shouting", id);
            assertThat(done.status()).as(String.valueOf(done.statusSummary())).isEqualTo(PipelineExecutionStatus.SUCCEEDED);

            List<ActionExecutionDetail> actions = client.listActionExecutions(r -> r.pipelineName("shouting")
                    .filter(f -> f.pipelineExecutionId(id))).actionExecutionDetails();
            ActionExecutionDetail shout = actions.stream().filter(a -> a.actionName().equals("Shout")).findFirst().orElseThrow();
            assertThat(shout.output().outputVariables()).containsEntry("SHOUTED", "HELLO FROM THE SOURCE")
                    .containsEntry("TOKEN", "second-pass")
                    .as("the job's credentials report only this job's result").containsEntry("DENIED", "list,other-job");
            assertThat(shout.output().executionResult().externalExecutionSummary()).isEqualTo("shouted hello from the source");
            assertThat(shout.output().outputArtifacts()).singleElement().satisfies(a -> assertThat(a.name()).isEqualTo("ShoutOutput"));
            java.nio.file.Path log = fixture.server().engine().config().logsDir().resolve(id).resolve(shout.actionExecutionId() + ".log");
            assertThat(java.nio.file.Files.readString(log)).as("each invocation's log is in the action's")
                    .contains("[conveyor] invoking shouter for job", "[conveyor] invoking shouter with continuation token second-pass",
                            "START RequestId: ", "REPORT RequestId: ");
            ActionExecutionDetail started = actions.stream().filter(a -> a.actionName().equals("Downstream")).findFirst().orElseThrow();
            String downstreamId = started.output().outputVariables().get("PipelineExecutionId");
            assertThat(started.output().executionResult().externalExecutionId()).isEqualTo(downstreamId);

            PipelineExecution invoked = ExecutionFixtures.awaitSettled(client, "downstream", downstreamId);
            assertThat(invoked.status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
            assertThat(invoked.variables()).singleElement().satisfies(v -> assertThat(v.resolvedValue()).isEqualTo("HELLO FROM THE SOURCE"));
        }
    }

    @org.junit.jupiter.api.Test
    void aJavaFunctionOnTheOfficialRuntimeInterfaceClientRunsAsAnInvokeAction() throws Exception {
        try (ServerFixture fixture = new ServerFixture("h2"); LambdaClient lambda = lambda(fixture)) {
            CodePipelineClient client = fixture.client();
            ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "hello from the source\n"));
            FunctionZips zip = FunctionZips.zip().compiledClass(PipelineStepHandler.class);
            for (java.nio.file.Path jar : sdkJars()) {
                zip.bytes("lib/" + jar.getFileName(), java.nio.file.Files.readAllBytes(jar));
            }
            byte[] code = zip.bytes();
            lambda.createFunction(r -> r.functionName("java-shouter").runtime(Runtime.JAVA21).role(ROLE).memorySize(512).timeout(120)
                    .handler(PipelineStepHandler.class.getName() + "::handleRequest").code(c -> c.zipFile(SdkBytes.fromByteArray(code))));
            client.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("java-shouting", "QUEUED",
                    ExecutionFixtures.stage("Shout", lambdaAction("Shout", "java-shouter", "go")),
                    ExecutionFixtures.stage("Next", checkShout()))));
            String id = ExecutionFixtures.createdExecution(client, "java-shouting");
            PipelineExecution done = ExecutionFixtures.awaitSettled(client, "java-shouting", id);
            assertThat(done.status()).as(String.valueOf(done.statusSummary())).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
            ActionExecutionDetail shout = client.listActionExecutions(r -> r.pipelineName("java-shouting").filter(f -> f.pipelineExecutionId(id)))
                    .actionExecutionDetails().stream().filter(a -> a.actionName().equals("Shout")).findFirst().orElseThrow();
            assertThat(shout.output().outputVariables()).containsEntry("SHOUTED", "HELLO FROM THE SOURCE (JAVA)").containsEntry("RUNTIME", "java");

            client.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("java-failing", "QUEUED",
                    ExecutionFixtures.stage("Shout", lambdaAction("Shout", "java-shouter", "fail")))));
            ExecutionFixtures.awaitSettled(client, "java-failing", ExecutionFixtures.createdExecution(client, "java-failing"));
            var failed = client.getPipelineState(r -> r.name("java-failing")).stageStates().get(1).actionStates().getFirst();
            assertThat(failed.latestExecution().errorDetails().message()).isEqualTo("java says no");
        }
    }

    @org.junit.jupiter.api.Test
    void aJobRunningWhenTheServerStopsIsInvokedAgainAtTheNextStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path markers)
            throws Exception {
        String function = """
                import os, time, boto3
                def handler(event, context):
                    job = event["CodePipeline.job"]
                    marker = os.path.join(os.environ["MARKER_DIR"], "invoked")
                    if not os.path.exists(marker):
                        open(marker, "w").close()
                        time.sleep(300)  # the server stops meanwhile
                        return
                    creds = job["data"]["artifactCredentials"]
                    boto3.client("codepipeline", endpoint_url=os.environ["AWS_ENDPOINT_URL"], aws_access_key_id=creds["accessKeyId"],
                                 aws_secret_access_key=creds["secretAccessKey"], aws_session_token=creds["sessionToken"]
                                 ).put_job_success_result(jobId=job["id"], outputVariables={"ATTEMPT": "again"})
                """;
        try (ServerFixture fixture = new ServerFixture("h2")) {
            ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "hello\n"));
            try (LambdaClient lambda = lambda(fixture)) {
                lambda.createFunction(r -> r.functionName("slow").runtime(Runtime.PYTHON3_12).role(ROLE).handler("app.handler").timeout(600)
                        .environment(e -> e.variables(Map.of("MARKER_DIR", markers.toString())))
                        .code(c -> c.zipFile(SdkBytes.fromByteArray(FunctionZips.zip().file("app.py", function).bytes()))));
            }
            ActionDeclaration slow = ActionDeclaration.builder().name("Slow").actionTypeId(SamplePipelines.type(ActionCategory.INVOKE, "Lambda"))
                    .configuration(Map.of("FunctionName", "slow")).namespace("SlowVariables").runOrder(1).build();
            fixture.client().createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("interrupted", "QUEUED",
                    ExecutionFixtures.stage("Slow", slow))));
            String id = ExecutionFixtures.createdExecution(fixture.client(), "interrupted");
            dev.conveyor.testkit.Await.await(() -> java.nio.file.Files.exists(markers.resolve("invoked")), Boolean::booleanValue,
                    Duration.ofSeconds(60), "the first invocation");

            fixture.restart();
            PipelineExecution done = ExecutionFixtures.awaitSettled(fixture.client(), "interrupted", id);
            assertThat(done.status()).as("the stop is not the function's failure").isEqualTo(PipelineExecutionStatus.SUCCEEDED);
            ActionExecutionDetail action = fixture.client().listActionExecutions(r -> r.pipelineName("interrupted")
                    .filter(f -> f.pipelineExecutionId(id))).actionExecutionDetails().stream()
                    .filter(a -> a.actionName().equals("Slow")).findFirst().orElseThrow();
            assertThat(action.output().outputVariables()).containsEntry("ATTEMPT", "again");
        }
    }

    /** The AWS SDK for Java v2 jars an S3 and CodePipeline client need, from this test's class path. */
    static List<java.nio.file.Path> sdkJars() {
        java.util.regex.Pattern needed = java.util.regex.Pattern.compile(".*/(software/amazon/awssdk/(?!(iam|sts|lambda|cloudwatch|cloudtrail|ssm|"
                + "secretsmanager|codebuild|codeconnections|codestarconnections)/)|software/amazon/eventstream/|org/reactivestreams/|"
                + "org/slf4j/slf4j-api/).*\\.jar");
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(p -> needed.matcher(p.replace('\\', '/')).matches()).map(java.nio.file.Path::of).toList();
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aFunctionThatFailsFailsItsActionWithItsMessage(String kind) throws Exception {
        try (ServerFixture fixture = new ServerFixture(kind); LambdaClient lambda = lambda(fixture)) {
            CodePipelineClient client = fixture.client();
            ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "hello\n"));
            lambda.createFunction(r -> r.functionName("shouter").runtime(Runtime.PYTHON3_12).role(ROLE).handler("app.handler")
                    .timeout(60).code(c -> c.zipFile(SdkBytes.fromByteArray(FunctionZips.zip().file("app.py", PYTHON_FUNCTION).bytes()))));
            client.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("failing", "QUEUED",
                    ExecutionFixtures.stage("Shout", lambdaAction("Shout", "shouter", "fail")),
                    ExecutionFixtures.stage("Next", invokePipeline("nowhere")))));
            PipelineExecution failed = ExecutionFixtures.awaitSettled(client, "failing", ExecutionFixtures.createdExecution(client, "failing"));
            assertThat(failed.status()).isEqualTo(PipelineExecutionStatus.FAILED);
            var state = client.getPipelineState(r -> r.name("failing")).stageStates().get(1).actionStates().getFirst();
            assertThat(state.latestExecution().errorDetails().message()).isEqualTo("the release notes are missing");

            client.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("missing-function", "QUEUED",
                    ExecutionFixtures.stage("Shout", lambdaAction("Shout", "no-such-function", "x")))));
            ExecutionFixtures.awaitSettled(client, "missing-function", ExecutionFixtures.createdExecution(client, "missing-function"));
            var missing = client.getPipelineState(r -> r.name("missing-function")).stageStates().get(1).actionStates().getFirst();
            assertThat(missing.latestExecution().errorDetails().message()).contains("Function not found", "no-such-function");

            lambda.createFunction(r -> r.functionName("sleeper").runtime(Runtime.PYTHON3_12).role(ROLE).handler("app.handler").timeout(1)
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(FunctionZips.zip().file("app.py",
                            "import time\ndef handler(event, context):\n    time.sleep(30)\n").bytes()))));
            client.createPipeline(r -> r.pipeline(ExecutionFixtures.pipeline("sleeping", "QUEUED",
                    ExecutionFixtures.stage("Shout", lambdaAction("Shout", "sleeper", "x")))));
            ExecutionFixtures.awaitSettled(client, "sleeping", ExecutionFixtures.createdExecution(client, "sleeping"));
            var timedOut = client.getPipelineState(r -> r.name("sleeping")).stageStates().get(1).actionStates().getFirst();
            assertThat(timedOut.latestExecution().errorDetails().message()).as("the function's own timeout")
                    .endsWith("Task timed out after 1.00 seconds");
        }
    }
}
