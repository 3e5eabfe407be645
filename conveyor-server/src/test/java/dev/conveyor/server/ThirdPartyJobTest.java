package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.testkit.Await;
import java.time.Duration;
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
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecution;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.FailureType;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.InvalidClientTokenException;
import software.amazon.awssdk.services.codepipeline.model.InvalidJobStateException;
import software.amazon.awssdk.services.codepipeline.model.InvalidNonceException;
import software.amazon.awssdk.services.codepipeline.model.JobNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.ThirdPartyJob;
import software.amazon.awssdk.services.codepipeline.model.ThirdPartyJobDetails;

/**
 * The third-party job protocol as docs/agents-and-job-workers.md describes it, through the AWS SDK for Java v2: a
 * partner's worker polls a ThirdParty action's jobs, and every later call for a job carries the {@code clientId} the
 * poll handed out with it as {@code clientToken}; any other token is refused with InvalidClientTokenException and
 * changes nothing.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class ThirdPartyJobTest {
    private static final ActionTypeId ALEXA = ActionTypeId.builder().category(ActionCategory.DEPLOY)
            .owner(ActionOwner.THIRD_PARTY).provider("AlexaSkillsKit").version("1").build();
    private static ServerFixture fixture;

    @Parameter
    String databaseKind;

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) {
        fixture = new ServerFixture(kind, new ServerConfig.EngineSettings(true, 4, Duration.ofMinutes(5),
                Duration.ofSeconds(5), Duration.ofMillis(200)));
        ExecutionFixtures.putSource(fixture.server().objects(), Map.of("skill.json", "{}\n"));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        fixture.close();
    }

    private static CodePipelineClient client() {
        return fixture.client();
    }

    private static ActionDeclaration alexaDeploy(String skillId) {
        return ActionDeclaration.builder().name("Publish").actionTypeId(ALEXA)
                .configuration(Map.of("ClientId", "amzn1.application-oa2-client.1", "ClientSecret", "client-secret",
                        "RefreshToken", "refresh-token", "SkillId", skillId))
                .inputArtifacts(InputArtifact.builder().name("SourceOutput").build()).build();
    }

    /** Polls until a job arrives (the server long-polls); the action types' jobs of each test are all answered. */
    private static ThirdPartyJob poll() {
        return Await.await(() -> client().pollForThirdPartyJobs(r -> r.actionTypeId(ALEXA).maxBatchSize(1)).jobs(),
                jobs -> !jobs.isEmpty(), Duration.ofSeconds(30), "a third-party job").getFirst();
    }

    @Test
    void everyCallForAJobCarriesTheClientIdThePollHandedOutAsItsClientToken() {
        client().createPipeline(r -> r.pipeline(pipeline("partner-ok", "QUEUED", stage("Publish", alexaDeploy("skill-ok")))));
        String executionId = ExecutionFixtures.createdExecution(client(), "partner-ok"); // creating the pipeline started it

        ThirdPartyJob job = poll();
        assertThat(job.clientId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        String token = job.clientId();
        String wrong = "00000000-0000-0000-0000-000000000000";

        assertThatThrownBy(() -> client().getThirdPartyJobDetails(r -> r.jobId(job.jobId()).clientToken(wrong)))
                .isInstanceOfSatisfying(InvalidClientTokenException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).contains("client token"));
        ThirdPartyJobDetails details = client().getThirdPartyJobDetails(r -> r.jobId(job.jobId()).clientToken(token)).jobDetails();
        assertThat(details.id()).isEqualTo(job.jobId());
        assertThat(details.data().actionConfiguration().configuration()).containsEntry("SkillId", "skill-ok");
        assertThat(details.data().inputArtifacts()).extracting(a -> a.name()).containsExactly("SourceOutput");

        assertThatThrownBy(() -> client().acknowledgeThirdPartyJob(r -> r.jobId(job.jobId()).nonce(details.nonce()).clientToken(wrong)))
                .isInstanceOf(InvalidClientTokenException.class);
        assertThatThrownBy(() -> client().acknowledgeThirdPartyJob(r -> r.jobId(job.jobId()).nonce("not-the-nonce").clientToken(token)))
                .isInstanceOf(InvalidNonceException.class);
        assertThat(client().acknowledgeThirdPartyJob(r -> r.jobId(job.jobId()).nonce(details.nonce()).clientToken(token))
                .statusAsString()).isEqualTo("InProgress");

        assertThatThrownBy(() -> client().putThirdPartyJobSuccessResult(r -> r.jobId(job.jobId()).clientToken(wrong)
                .executionDetails(d -> d.summary("forged"))))
                .isInstanceOf(InvalidClientTokenException.class);
        assertThat(publishState("partner-ok").status()).as("a refused result changes nothing")
                .isEqualTo(ActionExecutionStatus.IN_PROGRESS);

        client().putThirdPartyJobSuccessResult(r -> r.jobId(job.jobId()).clientToken(token)
                .executionDetails(d -> d.summary("published").externalExecutionId("skill-ok-v2")));
        PipelineExecution done = awaitSettled(client(), "partner-ok", executionId);
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThatThrownBy(() -> client().putThirdPartyJobSuccessResult(r -> r.jobId(job.jobId()).clientToken(token)))
                .as("a finished job takes no second result").isInstanceOf(InvalidJobStateException.class);
    }

    @Test
    void oneJobsClientTokenDoesNotOpenAnotherJob() {
        client().createPipeline(r -> r.pipeline(pipeline("partner-a", "QUEUED", stage("Publish", alexaDeploy("skill-a")))));
        client().createPipeline(r -> r.pipeline(pipeline("partner-b", "QUEUED", stage("Publish", alexaDeploy("skill-b")))));
        String a = ExecutionFixtures.createdExecution(client(), "partner-a"); // creating a pipeline starts it
        String b = ExecutionFixtures.createdExecution(client(), "partner-b");
        ThirdPartyJob first = poll();
        ThirdPartyJob second = poll();
        assertThat(second.jobId()).isNotEqualTo(first.jobId());
        assertThat(second.clientId()).as("each hand-out has its own client id").isNotEqualTo(first.clientId());

        assertThatThrownBy(() -> client().putThirdPartyJobFailureResult(r -> r.jobId(second.jobId()).clientToken(first.clientId())
                .failureDetails(f -> f.type(FailureType.JOB_FAILED).message("wrong worker"))))
                .isInstanceOf(InvalidClientTokenException.class);
        for (ThirdPartyJob job : List.of(first, second)) {
            client().putThirdPartyJobFailureResult(r -> r.jobId(job.jobId()).clientToken(job.clientId())
                    .failureDetails(f -> f.type(FailureType.JOB_FAILED).message("skill rejected")));
        }
        assertThat(List.of(awaitSettled(client(), "partner-a", a), awaitSettled(client(), "partner-b", b)))
                .allSatisfy(e -> {
                    assertThat(e.status()).isEqualTo(PipelineExecutionStatus.FAILED);
                    assertThat(e.statusSummary()).contains("skill rejected");
                });
        assertThatThrownBy(() -> client().getThirdPartyJobDetails(r -> r.jobId("no-such-job").clientToken(first.clientId())))
                .isInstanceOf(JobNotFoundException.class);
    }

    private static ActionExecution publishState(String pipeline) {
        return client().getPipelineState(r -> r.name(pipeline)).stageStates().stream()
                .filter(s -> s.stageName().equals("Publish")).findFirst().orElseThrow()
                .actionStates().getFirst().latestExecution();
    }
}
