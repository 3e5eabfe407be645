package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionConfigurationPropertyType;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionType;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.Artifact;
import software.amazon.awssdk.services.codepipeline.model.FailureType;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.InvalidJobStateException;
import software.amazon.awssdk.services.codepipeline.model.InvalidNonceException;
import software.amazon.awssdk.services.codepipeline.model.Job;
import software.amazon.awssdk.services.codepipeline.model.JobData;
import software.amazon.awssdk.services.codepipeline.model.JobNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A job worker for a custom action type written only with the AWS SDK for Java v2, as a third party writes one:
 * poll, acknowledge, read the input with the job's own credentials through the S3 client, continue with a
 * continuation token, upload the output, report output variables; and a reported failure.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class JobWorkerTest {
    private static final ActionTypeId BUILDER = ActionTypeId.builder().category(ActionCategory.BUILD).owner(ActionOwner.CUSTOM)
            .provider("AcmeBuilder").version("1").build();
    private static ServerFixture fixture;

    @Parameter
    String databaseKind;

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) {
        fixture = new ServerFixture(kind, new ServerConfig.EngineSettings(true, 4, Duration.ofMinutes(5),
                Duration.ofSeconds(5), Duration.ofMillis(200)));
        ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "source for the worker\n"));
        fixture.client().createCustomActionType(r -> r.category(ActionCategory.BUILD).provider("AcmeBuilder").version("1")
                .configurationProperties(
                        p -> p.name("ProjectName").required(true).key(true).secret(false).queryable(true).type(ActionConfigurationPropertyType.STRING),
                        p -> p.name("ApiToken").required(false).key(false).secret(true).type(ActionConfigurationPropertyType.STRING))
                .inputArtifactDetails(d -> d.minimumCount(1).maximumCount(1))
                .outputArtifactDetails(d -> d.minimumCount(1).maximumCount(1))
                .settings(s -> s.entityUrlTemplate("https://builder.example.com/{Config:ProjectName}")));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        fixture.close();
    }

    private static CodePipelineClient client() {
        return fixture.client();
    }

    private static ActionDeclaration customBuild(String project) {
        return ActionDeclaration.builder().name("Build").actionTypeId(BUILDER)
                .configuration(Map.of("ProjectName", project, "ApiToken", "s3cr3t-token"))
                .inputArtifacts(InputArtifact.builder().name("SourceOutput").build())
                .outputArtifacts(OutputArtifact.builder().name("BuildOutput").build())
                .namespace("BuildVariables").runOrder(1).build();
    }

    /** Polls (the server long-polls) until a job for {@code project} arrives. */
    private static Job pollFor(String project) {
        Instant until = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(until)) {
            List<Job> jobs = client().pollForJobs(r -> r.actionTypeId(BUILDER).maxBatchSize(1).queryParam(Map.of("ProjectName", project))).jobs();
            if (!jobs.isEmpty()) {
                return jobs.getFirst();
            }
        }
        throw new AssertionError("no job for " + project);
    }

    private static S3Client s3For(JobData data) {
        return S3Client.builder().endpointOverride(URI.create(fixture.endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        data.artifactCredentials().accessKeyId(), data.artifactCredentials().secretAccessKey(),
                        data.artifactCredentials().sessionToken())))
                .build();
    }

    @Test
    void aThirdPartyWorkerBuildsWithContinuationTokensAndItsOutputFlowsOn() throws Exception {
        client().createPipeline(r -> r.pipeline(pipeline("custom-ok", "QUEUED",
                stage("Build", customBuild("acme")),
                stage("Deploy", commands("Deploy", 1, "test \"$(cat built.txt)\" = 'built from: source for the worker'",
                        "test '#{BuildVariables.BUILD_NUMBER}' = '42'").toBuilder()
                        .inputArtifacts(InputArtifact.builder().name("BuildOutput").build()).build()))));
        assertThat(client().getPipeline(r -> r.name("custom-ok")).pipeline().stages().get(1).actions().getFirst().configuration())
                .as("secret configuration is never read back").containsEntry("ApiToken", "****").containsEntry("ProjectName", "acme");
        String executionId = ExecutionFixtures.createdExecution(client(), "custom-ok");

        // First pass: acknowledge, read the input, ask to be called again.
        Job job = pollFor("acme");
        assertThat(job.data().actionConfiguration().configuration()).containsEntry("ApiToken", "s3cr3t-token");
        assertThat(job.data().pipelineContext().pipelineExecutionId()).isEqualTo(executionId);
        assertThatThrownBy(() -> client().acknowledgeJob(r -> r.jobId(job.id()).nonce("wrong"))).isInstanceOf(InvalidNonceException.class);
        assertThat(client().acknowledgeJob(r -> r.jobId(job.id()).nonce(job.nonce())).statusAsString()).isEqualTo("InProgress");
        String source;
        try (S3Client s3 = s3For(job.data())) {
            Artifact input = job.data().inputArtifacts().getFirst();
            byte[] zip = s3.getObjectAsBytes(r -> r.bucket(input.location().s3Location().bucketName())
                    .key(input.location().s3Location().objectKey())).asByteArray();
            source = unzip(zip, "app.txt");
        }
        client().putJobSuccessResult(r -> r.jobId(job.id()).continuationToken("step-2")
                .executionDetails(d -> d.summary("compiling").percentComplete(50).externalExecutionId("acme-run-7")));

        // Second pass: the same action, dispatched again with the token; upload the output and finish.
        Job again = pollFor("acme");
        assertThat(again.id()).isNotEqualTo(job.id());
        assertThat(again.data().continuationToken()).isEqualTo("step-2");
        client().acknowledgeJob(r -> r.jobId(again.id()).nonce(again.nonce()));
        assertThat(client().getJobDetails(r -> r.jobId(again.id())).jobDetails().data().pipelineContext().action().name()).isEqualTo("Build");
        try (S3Client s3 = s3For(again.data())) {
            Artifact output = again.data().outputArtifacts().getFirst();
            s3.putObject(r -> r.bucket(output.location().s3Location().bucketName()).key(output.location().s3Location().objectKey()),
                    RequestBody.fromBytes(zip("built.txt", "built from: " + source.strip())));
        }
        client().putJobSuccessResult(r -> r.jobId(again.id()).outputVariables(Map.of("BUILD_NUMBER", "42"))
                .executionDetails(d -> d.summary("built").percentComplete(100).externalExecutionId("acme-run-7")));

        PipelineExecution done = awaitSettled(client(), "custom-ok", executionId);
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        ActionExecutionDetail build = client().listActionExecutions(r -> r.pipelineName("custom-ok")
                .filter(f -> f.pipelineExecutionId(executionId))).actionExecutionDetails().stream()
                .filter(a -> a.actionName().equals("Build")).findFirst().orElseThrow();
        assertThat(build.output().outputVariables()).containsEntry("BUILD_NUMBER", "42");
        assertThat(build.output().executionResult().externalExecutionId()).isEqualTo("acme-run-7");
        assertThat(build.output().outputArtifacts()).singleElement().satisfies(a -> assertThat(a.name()).isEqualTo("BuildOutput"));
    }

    @Test
    void aReportedFailureFailsTheExecutionWithTheWorkersMessage() {
        client().createPipeline(r -> r.pipeline(pipeline("custom-fail", "QUEUED", stage("Build", customBuild("broken")))));
        String executionId = ExecutionFixtures.createdExecution(client(), "custom-fail");
        Job job = pollFor("broken");
        client().acknowledgeJob(r -> r.jobId(job.id()).nonce(job.nonce()));
        client().putJobFailureResult(r -> r.jobId(job.id()).failureDetails(f -> f.type(FailureType.JOB_FAILED)
                .message("compiler exploded").externalExecutionId("acme-run-8")));
        PipelineExecution done = awaitSettled(client(), "custom-fail", executionId);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(done.statusSummary()).contains("compiler exploded");
        assertThatThrownBy(() -> client().putJobSuccessResult(r -> r.jobId(job.id())))
                .as("a finished job takes no second result").isInstanceOf(InvalidJobStateException.class);
    }

    @Test
    void jobCredentialsOpenThatJobsArtifactsAndNothingElse() {
        client().createPipeline(r -> r.pipeline(pipeline("custom-scope", "QUEUED", stage("Build", customBuild("scoped")))));
        // Creating the pipeline started it: its job is the one to poll.
        Job job = pollFor("scoped");
        Artifact input = job.data().inputArtifacts().getFirst();
        try (S3Client s3 = s3For(job.data())) {
            assertThat(s3.getObjectAsBytes(r -> r.bucket(input.location().s3Location().bucketName())
                    .key(input.location().s3Location().objectKey())).asByteArray()).isNotEmpty();
            assertThatThrownBy(() -> s3.listObjectsV2(r -> r.bucket(input.location().s3Location().bucketName())))
                    .as("no listing").isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
            assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket(ExecutionFixtures.SOURCE_BUCKET).key(ExecutionFixtures.SOURCE_KEY)))
                    .as("no other object").isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
        JobData forged = job.data().toBuilder().artifactCredentials(job.data().artifactCredentials().toBuilder()
                .secretAccessKey("not-the-secret").build()).build();
        try (S3Client s3 = s3For(forged)) {
            assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket(input.location().s3Location().bucketName())
                    .key(input.location().s3Location().objectKey())))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
        }
        client().putJobFailureResult(r -> r.jobId(job.id()).failureDetails(f -> f.type(FailureType.JOB_FAILED).message("done checking")));
    }

    @Test
    void customActionTypesAreListedReadAndUnknownJobsAreRefused() {
        List<ActionType> custom = client().listActionTypes(r -> r.actionOwnerFilter(ActionOwner.CUSTOM)).actionTypes();
        assertThat(custom).anySatisfy(t -> {
            assertThat(t.id()).isEqualTo(BUILDER);
            assertThat(t.actionConfigurationProperties()).anySatisfy(p -> {
                assertThat(p.name()).isEqualTo("ApiToken");
                assertThat(p.secret()).isTrue();
            });
        });
        assertThat(client().listActionTypes(r -> r.actionOwnerFilter(ActionOwner.AWS)).actionTypes())
                .anySatisfy(t -> assertThat(t.id().provider()).isEqualTo("CodeBuild"));
        // GetActionType serves the AWS and ThirdParty owners (the model allows no other); custom types are listed above.
        assertThat(client().getActionType(r -> r.category("Source").owner("ThirdParty").provider("GitHub").version("1"))
                .actionType().properties()).anySatisfy(p -> {
                    assertThat(p.name()).isEqualTo("OAuthToken");
                    assertThat(p.noEcho()).isTrue();
                });
        assertThat(client().listRuleTypes(r -> { }).ruleTypes()).extracting(t -> t.id().provider())
                .contains("LambdaInvoke", "VariableCheck", "CloudWatchAlarm", "DeploymentWindow", "Commands");
        assertThatThrownBy(() -> client().getJobDetails(r -> r.jobId("00000000-0000-0000-0000-000000000000")))
                .isInstanceOf(JobNotFoundException.class);
    }

    private static byte[] zip(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static String unzip(byte[] zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError(name + " not in the artifact");
    }
}
