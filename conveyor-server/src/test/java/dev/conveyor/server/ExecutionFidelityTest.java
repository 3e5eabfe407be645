package dev.conveyor.server;

import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestCredentials;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.createdExecution;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
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
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionState;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.InvalidNonceException;
import software.amazon.awssdk.services.codepipeline.model.Job;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.codepipeline.model.ThirdPartyJob;

/**
 * What real clients see of executions and jobs, with the AWS SDK for Java v2 (issue 13): creating a pipeline starts
 * it; a job polled but never acknowledged is offered again once its acknowledgement deadline passes (time is the
 * server's injectable clock, moved by the test); a revision a Deploy job reports stays on that action while the
 * source's is the execution's; GetPipelineState shows current revisions and who last updated an action.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class ExecutionFidelityTest {
    private static final ActionTypeId DEPLOYER = ActionTypeId.builder().category(ActionCategory.DEPLOY).owner(ActionOwner.CUSTOM)
            .provider("AcmeDeployer").version("1").build();
    private static final ActionTypeId ALEXA = ActionTypeId.builder().category(ActionCategory.DEPLOY).owner(ActionOwner.THIRD_PARTY)
            .provider("AlexaSkillsKit").version("1").build();
    /** The identity ServerFixture's clients sign with, as CodePipeline names a caller. */
    private static final String CALLER_ARN = "arn:aws:iam::000000000000:user/admin";
    private static final Duration ACKNOWLEDGE_TIMEOUT = Duration.ofSeconds(60);

    private static MovableClock clock;
    private static ConveyorServer server;
    private static CodePipelineClient client;

    @Parameter
    String databaseKind;

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) throws Exception {
        clock = MovableClock.runningFromNow();
        ServerConfig base = ServerConfig.embedded(Files.createTempDirectory("conveyor-fidelity-"), 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))
                .withEngine(new ServerConfig.EngineSettings(true, 4, Duration.ofMinutes(5), Duration.ofSeconds(30),
                        Duration.ofMillis(200), ACKNOWLEDGE_TIMEOUT));
        server = new ConveyorServer("h2".equals(kind) ? base : base.withDatabaseUrl(TestDatabases.freshUrl(kind)), clock).start();
        client = ServerFixture.sdkClient(CodePipelineClient.builder(), server.endpoint());
        ExecutionFixtures.putSource(server.objects(), Map.of("app.txt", "fidelity\n"));
        client.createCustomActionType(r -> r.category(ActionCategory.DEPLOY).provider("AcmeDeployer").version("1")
                .configurationProperties(p -> p.name("Fleet").required(true).key(true).secret(false).queryable(true)
                        .type(ActionConfigurationPropertyType.STRING))
                .inputArtifactDetails(d -> d.minimumCount(1).maximumCount(1))
                .outputArtifactDetails(d -> d.minimumCount(0).maximumCount(0)));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        client.close();
        server.close();
    }

    private static ActionDeclaration deploy(String fleet) {
        return ActionDeclaration.builder().name("Deploy").actionTypeId(DEPLOYER).configuration(Map.of("Fleet", fleet))
                .inputArtifacts(InputArtifact.builder().name("SourceOutput").build()).runOrder(1).build();
    }

    /** Polls (the server long-polls) until a job for {@code fleet} arrives. */
    private static Job pollFor(String fleet) {
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until)) {
            List<Job> jobs = client.pollForJobs(r -> r.actionTypeId(DEPLOYER).maxBatchSize(1).queryParam(Map.of("Fleet", fleet))).jobs();
            if (!jobs.isEmpty()) {
                return jobs.getFirst();
            }
        }
        throw new AssertionError("no job for " + fleet);
    }

    private static ActionState actionState(String pipeline, String stage, String action) {
        return client.getPipelineState(r -> r.name(pipeline)).stageStates().stream().filter(s -> s.stageName().equals(stage))
                .findFirst().orElseThrow().actionStates().stream().filter(a -> a.actionName().equals(action)).findFirst().orElseThrow();
    }

    @Test
    void creatingAPipelineStartsItOnceWithTheCreatePipelineTrigger() {
        client.createPipeline(r -> r.pipeline(pipeline("created-runs", "QUEUED",
                stage("Build", ExecutionFixtures.commands("Build", 1, "test -f app.txt")))));

        List<PipelineExecutionSummary> executions = client.listPipelineExecutions(r -> r.pipelineName("created-runs"))
                .pipelineExecutionSummaries();
        assertThat(executions).hasSize(1);
        assertThat(executions.getFirst().trigger().triggerTypeAsString()).isEqualTo("CreatePipeline");
        assertThat(executions.getFirst().trigger().triggerDetail()).isEqualTo(CALLER_ARN);
        PipelineExecution done = awaitSettled(client, "created-runs", executions.getFirst().pipelineExecutionId());
        assertThat(done.status()).as(String.valueOf(done.statusSummary())).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.trigger().triggerTypeAsString()).isEqualTo("CreatePipeline");
    }

    @Test
    void aPipelineWithAVariableWithoutADefaultIsCreatedButNotStarted() {
        client.createPipeline(r -> r.pipeline(pipeline("needs-input", "QUEUED",
                stage("Build", ExecutionFixtures.commands("Build", 1, "true"))).toBuilder().variables(v -> v.name("RELEASE")).build()));

        assertThat(client.getPipeline(r -> r.name("needs-input")).pipeline().variables()).singleElement()
                .satisfies(v -> assertThat(v.name()).isEqualTo("RELEASE"));
        assertThat(client.listPipelineExecutions(r -> r.pipelineName("needs-input")).pipelineExecutionSummaries())
                .as("nothing to start it with").isEmpty();
        String id = client.startPipelineExecution(r -> r.name("needs-input").variables(v -> v.name("RELEASE").value("7")))
                .pipelineExecutionId();
        assertThat(awaitSettled(client, "needs-input", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
    }

    @Test
    void aJobPolledButNeverAcknowledgedIsOfferedAgainWithANewNonceAndItsRevisionStaysOnItsAction() {
        ObjectVersion source = ExecutionFixtures.putSource(server.objects(), Map.of("app.txt", "reoffered\n"));
        client.createPipeline(r -> r.pipeline(pipeline("reoffer", "QUEUED", stage("Deploy", deploy("blue")))));
        String executionId = createdExecution(client, "reoffer");

        Job first = pollFor("blue");
        assertThat(first.data().pipelineContext().pipelineExecutionId()).isEqualTo(executionId);
        // The worker dies here, before AcknowledgeJob. Within the deadline nobody else gets the job...
        assertThat(client.pollForJobs(r -> r.actionTypeId(DEPLOYER).maxBatchSize(1)).jobs()).isEmpty();
        // ...past it, the next poll does, with a new nonce, as CodePipeline hands a job out again.
        clock.advance(ACKNOWLEDGE_TIMEOUT.plusSeconds(1));
        Job again = pollFor("blue");
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.nonce()).isNotEqualTo(first.nonce());
        assertThatThrownBy(() -> client.acknowledgeJob(r -> r.jobId(first.id()).nonce(first.nonce())))
                .isInstanceOf(InvalidNonceException.class);
        assertThat(client.acknowledgeJob(r -> r.jobId(again.id()).nonce(again.nonce())).statusAsString()).isEqualTo("InProgress");

        client.putJobSuccessResult(r -> r.jobId(again.id()).currentRevision(c -> c.revision("deploy-7").changeIdentifier("release-7")
                .created(Instant.parse("2026-01-02T03:04:05Z")).revisionSummary("release 7 on blue")));
        PipelineExecution done = awaitSettled(client, "reoffer", executionId);
        assertThat(done.status()).as(String.valueOf(done.statusSummary())).isEqualTo(PipelineExecutionStatus.SUCCEEDED);

        // The Deploy job's revision is its action's, not a source revision of the execution.
        assertThat(done.artifactRevisions()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("SourceOutput");
            assertThat(r.revisionId()).isEqualTo(source.versionId());
        });
        PipelineExecutionSummary summary = client.listPipelineExecutions(r -> r.pipelineName("reoffer")).pipelineExecutionSummaries()
                .getFirst();
        assertThat(summary.sourceRevisions()).singleElement().satisfies(r -> {
            assertThat(r.actionName()).isEqualTo("Source");
            assertThat(r.revisionId()).isEqualTo(source.versionId());
        });

        ActionState deploy = actionState("reoffer", "Deploy", "Deploy");
        assertThat(deploy.currentRevision().revisionId()).isEqualTo("deploy-7");
        assertThat(deploy.currentRevision().revisionChangeId()).isEqualTo("release-7");
        assertThat(deploy.currentRevision().created()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(deploy.latestExecution().lastUpdatedBy()).isEqualTo(CALLER_ARN);
        ActionState s3Source = actionState("reoffer", "Source", "Source");
        assertThat(s3Source.currentRevision().revisionId()).isEqualTo(source.versionId());
        assertThat(s3Source.currentRevision().revisionChangeId()).isEqualTo(source.etag().replace("\"", ""));
        assertThat(s3Source.currentRevision().created()).isNotNull();
    }

    @Test
    void aThirdPartyJobPolledButNeverAcknowledgedIsOfferedAgainToANewClient() {
        client.createPipeline(r -> r.pipeline(pipeline("gate", "QUEUED", stage("Gate", ActionDeclaration.builder().name("Gate")
                .actionTypeId(ALEXA).configuration(Map.of("ClientId", "c", "ClientSecret", "s", "RefreshToken", "t", "SkillId", "k"))
                .inputArtifacts(InputArtifact.builder().name("SourceOutput").build()).runOrder(1).build()))));
        String executionId = createdExecution(client, "gate");

        ThirdPartyJob first = pollThirdParty();
        String firstNonce = client.getThirdPartyJobDetails(r -> r.jobId(first.jobId()).clientToken(first.clientId())).jobDetails().nonce();
        clock.advance(ACKNOWLEDGE_TIMEOUT.plusSeconds(1));
        ThirdPartyJob again = pollThirdParty();
        assertThat(again.jobId()).isEqualTo(first.jobId());
        String nonce = client.getThirdPartyJobDetails(r -> r.jobId(again.jobId()).clientToken(again.clientId())).jobDetails().nonce();
        assertThat(nonce).isNotEqualTo(firstNonce);
        assertThatThrownBy(() -> client.acknowledgeThirdPartyJob(r -> r.jobId(again.jobId()).clientToken(again.clientId()).nonce(firstNonce)))
                .isInstanceOf(InvalidNonceException.class);
        assertThat(client.acknowledgeThirdPartyJob(r -> r.jobId(again.jobId()).clientToken(again.clientId()).nonce(nonce)).statusAsString())
                .isEqualTo("InProgress");
        client.putThirdPartyJobSuccessResult(r -> r.jobId(again.jobId()).clientToken(again.clientId()));
        assertThat(awaitSettled(client, "gate", executionId).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(actionState("gate", "Gate", "Gate").latestExecution().lastUpdatedBy()).isEqualTo(CALLER_ARN);
    }

    private static ThirdPartyJob pollThirdParty() {
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until)) {
            List<ThirdPartyJob> jobs = client.pollForThirdPartyJobs(r -> r.actionTypeId(ALEXA).maxBatchSize(1)).jobs();
            if (!jobs.isEmpty()) {
                return jobs.getFirst();
            }
        }
        throw new AssertionError("no third-party job");
    }
}
