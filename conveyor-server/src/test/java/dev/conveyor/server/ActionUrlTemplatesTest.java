package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionConfigurationPropertyType;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionState;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.FailureType;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.Job;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;

/**
 * A custom action type's URL templates ({@code settings} of CreateCustomActionType) filled in as CodePipeline fills
 * them: the entity and revision links in GetPipelineState from the action's configuration, the run's link in
 * GetPipelineState and ListActionExecutions once a job worker reported its external execution id.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class ActionUrlTemplatesTest {
    private static final ActionTypeId DEPLOYER = ActionTypeId.builder().category(ActionCategory.DEPLOY)
            .owner(ActionOwner.CUSTOM).provider("AcmeDeployer").version("1").build();
    private static final String SITE = "https://deploy.example.com";
    private static ServerFixture fixture;

    @Parameter
    String databaseKind;

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) {
        fixture = new ServerFixture(kind, new ServerConfig.EngineSettings(true, 4, Duration.ofMinutes(5),
                Duration.ofSeconds(5), Duration.ofMillis(200)));
        ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "to deploy\n"));
        fixture.client().createCustomActionType(r -> r.category(ActionCategory.DEPLOY).provider("AcmeDeployer").version("1")
                .configurationProperties(
                        p -> p.name("App").required(true).key(true).secret(false).queryable(true).type(ActionConfigurationPropertyType.STRING),
                        p -> p.name("Token").required(false).key(false).secret(true).type(ActionConfigurationPropertyType.STRING))
                .inputArtifactDetails(d -> d.minimumCount(1).maximumCount(1))
                .outputArtifactDetails(d -> d.minimumCount(0).maximumCount(0))
                .settings(s -> s.entityUrlTemplate(SITE + "/apps/{Config:App}")
                        .executionUrlTemplate(SITE + "/apps/{Config:App}/runs/{ExternalExecutionId}")
                        .revisionUrlTemplate(SITE + "/apps/{Config:App}/history")
                        .thirdPartyConfigurationUrl(SITE + "/signup")));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        fixture.close();
    }

    private static CodePipelineClient client() {
        return fixture.client();
    }

    private static ActionDeclaration deploy(String app) {
        return ActionDeclaration.builder().name("Deploy").actionTypeId(DEPLOYER)
                .configuration(Map.of("App", app, "Token", "s3cr3t"))
                .inputArtifacts(InputArtifact.builder().name("SourceOutput").build()).build();
    }

    private static Job pollFor(String app) {
        Instant until = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(until)) {
            List<Job> jobs = client().pollForJobs(r -> r.actionTypeId(DEPLOYER).maxBatchSize(1).queryParam(Map.of("App", app))).jobs();
            if (!jobs.isEmpty()) {
                return jobs.getFirst();
            }
        }
        throw new AssertionError("no job for " + app);
    }

    private static ActionState deployState(String pipeline) {
        return client().getPipelineState(r -> r.name(pipeline)).stageStates().stream()
                .filter(s -> s.stageName().equals("Deploy")).findFirst().orElseThrow().actionStates().getFirst();
    }

    @Test
    void theRunsLinkAppearsInPipelineStateAndActionExecutionsOnceTheWorkerReportsItsExternalId() {
        client().createPipeline(r -> r.pipeline(pipeline("linked", "QUEUED", stage("Deploy", deploy("shop")))));

        ActionState declared = deployState("linked");
        assertThat(declared.entityUrl()).isEqualTo(SITE + "/apps/shop");
        assertThat(declared.revisionUrl()).isEqualTo(SITE + "/apps/shop/history");

        String executionId = ExecutionFixtures.createdExecution(client(), "linked"); // creating the pipeline started it
        Job job = pollFor("shop");
        client().acknowledgeJob(r -> r.jobId(job.id()).nonce(job.nonce()));
        client().putJobSuccessResult(r -> r.jobId(job.id()).continuationToken("rolling")
                .executionDetails(d -> d.summary("rolling out").percentComplete(30).externalExecutionId("run-17")));
        ActionState rolling = Await.await(() -> deployState("linked"),
                s -> s.latestExecution() != null && "run-17".equals(s.latestExecution().externalExecutionId()),
                Duration.ofSeconds(30), "the action in progress to show its external id");
        assertThat(rolling.latestExecution().status()).isEqualTo(ActionExecutionStatus.IN_PROGRESS);
        assertThat(rolling.latestExecution().externalExecutionUrl()).as("the link is there while the run goes on")
                .isEqualTo(SITE + "/apps/shop/runs/run-17");

        Job again = pollFor("shop");
        client().acknowledgeJob(r -> r.jobId(again.id()).nonce(again.nonce()));
        client().putJobSuccessResult(r -> r.jobId(again.id())
                .executionDetails(d -> d.summary("deployed").percentComplete(100).externalExecutionId("run-17")));
        assertThat(awaitSettled(client(), "linked", executionId).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);

        ActionState done = deployState("linked");
        assertThat(done.entityUrl()).isEqualTo(SITE + "/apps/shop");
        assertThat(done.latestExecution().externalExecutionId()).isEqualTo("run-17");
        assertThat(done.latestExecution().externalExecutionUrl()).isEqualTo(SITE + "/apps/shop/runs/run-17");
        ActionExecutionDetail detail = client().listActionExecutions(r -> r.pipelineName("linked")
                        .filter(f -> f.pipelineExecutionId(executionId))).actionExecutionDetails().stream()
                .filter(a -> a.actionName().equals("Deploy")).findFirst().orElseThrow();
        assertThat(detail.output().executionResult().externalExecutionId()).isEqualTo("run-17");
        assertThat(detail.output().executionResult().externalExecutionUrl()).isEqualTo(SITE + "/apps/shop/runs/run-17");
    }

    @Test
    void aFailedRunLinksToWhatTheWorkerRan() {
        client().createPipeline(r -> r.pipeline(pipeline("failing", "QUEUED", stage("Deploy", deploy("broken")))));
        String executionId = ExecutionFixtures.createdExecution(client(), "failing"); // creating the pipeline started it
        Job job = pollFor("broken");
        client().acknowledgeJob(r -> r.jobId(job.id()).nonce(job.nonce()));
        client().putJobFailureResult(r -> r.jobId(job.id()).failureDetails(f -> f.type(FailureType.JOB_FAILED)
                .message("health check failed").externalExecutionId("run-9")));
        assertThat(awaitSettled(client(), "failing", executionId).status()).isEqualTo(PipelineExecutionStatus.FAILED);

        ActionState failed = deployState("failing");
        assertThat(failed.latestExecution().status()).isEqualTo(ActionExecutionStatus.FAILED);
        assertThat(failed.latestExecution().externalExecutionUrl()).isEqualTo(SITE + "/apps/broken/runs/run-9");
        ActionExecutionDetail detail = client().listActionExecutions(r -> r.pipelineName("failing")
                        .filter(f -> f.pipelineExecutionId(executionId))).actionExecutionDetails().stream()
                .filter(a -> a.actionName().equals("Deploy")).findFirst().orElseThrow();
        assertThat(detail.output().executionResult().externalExecutionUrl()).isEqualTo(SITE + "/apps/broken/runs/run-9");
        assertThat(detail.output().executionResult().errorDetails().message()).isEqualTo("health check failed");
    }

    @Test
    void builtInSourcesLinkToWhereThisServerServesWhatTheyRead() throws Exception {
        ActionDeclaration codeCommit = ActionDeclaration.builder().name("Repo")
                .actionTypeId(SamplePipelines.type(ActionCategory.SOURCE, "CodeCommit"))
                .configuration(Map.of("RepositoryName", "shop-app", "BranchName", "main", "PollForSourceChanges", "false"))
                .outputArtifacts(o -> o.name("RepoOutput")).runOrder(1).build();
        client().createPipeline(r -> r.pipeline(pipeline("builtin-links", "QUEUED", stage("Deploy", deploy("linked-source")))
                .toBuilder().stages(s -> s.name("Source").actions(ExecutionFixtures.source(), codeCommit),
                        s -> s.name("Deploy").actions(deploy("linked-source"))).build()));

        List<ActionState> sources = client().getPipelineState(r -> r.name("builtin-links")).stageStates().getFirst().actionStates();
        assertThat(sources).extracting(ActionState::actionName, ActionState::entityUrl).containsExactly(
                tuple("Source", fixture.endpoint() + "/" + ExecutionFixtures.SOURCE_BUCKET + "/" + ExecutionFixtures.SOURCE_KEY),
                tuple("Repo", fixture.endpoint() + "/v1/repos/shop-app"));
        HttpResponse<byte[]> object = HttpClient.newHttpClient().send(
                dev.conveyor.testkit.TestSigner.request("GET", URI.create(sources.getFirst().entityUrl()), java.util.Map.of(), null, "s3").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(object.statusCode()).isEqualTo(200);
        assertThat(new String(object.body(), 0, 2, StandardCharsets.ISO_8859_1)).as("the source zip").isEqualTo("PK");
    }

    @Test
    void variablesAreResolvedBeforeTheRunsLinkIsFilledAndTheSettingsAreListed() {
        // A variable without a default value keeps the creation from starting it (as in CodePipeline it starts otherwise).
        client().createPipeline(r -> r.pipeline(pipeline("resolved", "QUEUED",
                stage("Deploy", deploy("#{SourceVariables.BucketName}"))).toBuilder().variables(v -> v.name("RELEASE")).build()));
        assertThat(deployState("resolved").entityUrl()).as("unresolved until a run resolves it: no half-filled link").isNull();

        String executionId = client().startPipelineExecution(r -> r.name("resolved").variables(v -> v.name("RELEASE").value("1")))
                .pipelineExecutionId();
        Job job = pollFor(ExecutionFixtures.SOURCE_BUCKET);
        assertThat(job.data().actionConfiguration().configuration()).containsEntry("App", ExecutionFixtures.SOURCE_BUCKET);
        client().acknowledgeJob(r -> r.jobId(job.id()).nonce(job.nonce()));
        client().putJobSuccessResult(r -> r.jobId(job.id()).executionDetails(d -> d.summary("ok").externalExecutionId("r1")));
        assertThat(awaitSettled(client(), "resolved", executionId).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(deployState("resolved").latestExecution().externalExecutionUrl())
                .isEqualTo(SITE + "/apps/" + ExecutionFixtures.SOURCE_BUCKET + "/runs/r1");

        assertThat(client().listActionTypes(r -> r.actionOwnerFilter(ActionOwner.CUSTOM)).actionTypes())
                .filteredOn(t -> t.id().equals(DEPLOYER)).singleElement()
                .satisfies(t -> assertThat(t.settings().thirdPartyConfigurationUrl()).isEqualTo(SITE + "/signup"));
    }
}
