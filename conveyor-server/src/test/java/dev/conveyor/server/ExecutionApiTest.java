package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.approval;
import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static dev.conveyor.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.object.ObjectVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.ActionState;
import software.amazon.awssdk.services.codepipeline.model.ApprovalAlreadyCompletedException;
import software.amazon.awssdk.services.codepipeline.model.ApprovalStatus;
import software.amazon.awssdk.services.codepipeline.model.DuplicatedStopRequestException;
import software.amazon.awssdk.services.codepipeline.model.GetPipelineStateResponse;
import software.amazon.awssdk.services.codepipeline.model.InvalidApprovalTokenException;
import software.amazon.awssdk.services.codepipeline.model.NotLatestPipelineExecutionException;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionNotStoppableException;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.codepipeline.model.StageExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.StageNotRetryableException;
import software.amazon.awssdk.services.codepipeline.model.StageRetryMode;
import software.amazon.awssdk.services.codepipeline.model.StageState;
import software.amazon.awssdk.services.codepipeline.model.StageTransitionType;
import software.amazon.awssdk.services.codepipeline.model.ValidationException;

/** Executions through the AWS SDK for Java v2, with real providers on the embedded agent, on both databases. */
class ExecutionApiTest extends ServerApiTest {
    private static ObjectVersion sourceVersion;

    @BeforeParameterizedClassInvocation
    static void putSource() {
        sourceVersion = ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "version one\n"));
    }

    private static String start(String pipeline) {
        return client().startPipelineExecution(r -> r.name(pipeline)).pipelineExecutionId();
    }

    /** The execution creating the pipeline started, as CodePipeline starts one. */
    private static String created(String pipeline) {
        return ExecutionFixtures.createdExecution(client(), pipeline);
    }

    private static List<ActionExecutionDetail> actionsOf(String pipeline, String executionId) {
        return client().listActionExecutionsPaginator(r -> r.pipelineName(pipeline).filter(f -> f.pipelineExecutionId(executionId)))
                .actionExecutionDetails().stream().toList();
    }

    private static Map<String, ActionExecutionDetail> byAction(List<ActionExecutionDetail> details) {
        return details.stream().collect(Collectors.toMap(ActionExecutionDetail::actionName, Function.identity(), (a, b) -> a));
    }

    @Test
    void aPipelineRunsStageByStageAndRecordsItsSourceRevision() {
        client().createPipeline(r -> r.pipeline(pipeline("walk", "QUEUED",
                stage("Build", commands("Build", 1, "test \"$(cat app.txt)\" = 'version one'", "echo built > out.txt")),
                stage("Test", commands("Test", 1, "true")))));
        String id = created("walk");
        PipelineExecution done = awaitSettled(client(), "walk", id);

        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.pipelineVersion()).isEqualTo(1);
        assertThat(done.trigger().triggerTypeAsString()).isEqualTo("CreatePipeline");
        assertThat(done.artifactRevisions()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("SourceOutput");
            assertThat(r.revisionId()).isEqualTo(sourceVersion.versionId());
        });
        Map<String, ActionExecutionDetail> actions = byAction(actionsOf("walk", id));
        assertThat(actions).containsOnlyKeys("Source", "Build", "Test");
        assertThat(actions.get("Source").output().outputVariables()).containsEntry("VersionId", sourceVersion.versionId())
                .containsEntry("BucketName", ExecutionFixtures.SOURCE_BUCKET).containsKey("ETag");
        assertThat(actions.get("Build").input().inputArtifacts()).singleElement()
                .satisfies(a -> assertThat(a.s3location().bucket()).isEqualTo("conveyor-test-artifacts"));
        assertThat(actions.values()).allSatisfy(a -> assertThat(a.status()).isEqualTo(ActionExecutionStatus.SUCCEEDED));

        List<PipelineExecutionSummary> summaries = client().listPipelineExecutions(r -> r.pipelineName("walk")).pipelineExecutionSummaries();
        assertThat(summaries).singleElement().satisfies(s -> {
            assertThat(s.pipelineExecutionId()).isEqualTo(id);
            assertThat(s.sourceRevisions()).singleElement().satisfies(sr -> assertThat(sr.actionName()).isEqualTo("Source"));
        });
        GetPipelineStateResponse state = client().getPipelineState(r -> r.name("walk"));
        assertThat(state.stageStates()).extracting(s -> s.latestExecution().status())
                .containsOnly(StageExecutionStatus.SUCCEEDED);
    }

    @Test
    void actionsOfOneRunOrderRunInParallelAndTheNextGroupWaitsForThem() {
        client().createPipeline(r -> r.pipeline(pipeline("groups", "QUEUED",
                stage("Build", commands("A", 1, "sleep 1"), commands("B", 1, "sleep 1"), commands("C", 2, "true")))));
        String id = created("groups");
        assertThat(awaitSettled(client(), "groups", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        Map<String, ActionExecutionDetail> a = byAction(actionsOf("groups", id));
        Instant aStart = a.get("A").startTime(), bStart = a.get("B").startTime();
        Instant aEnd = a.get("A").lastUpdateTime(), bEnd = a.get("B").lastUpdateTime();
        assertThat(aStart).as("A and B overlap").isBefore(bEnd);
        assertThat(bStart).as("A and B overlap").isBefore(aEnd);
        Instant groupEnd = aEnd.isAfter(bEnd) ? aEnd : bEnd;
        assertThat(a.get("C").startTime()).as("C starts after its group").isAfterOrEqualTo(groupEnd);
    }

    @Test
    void aDeletedAndRecreatedPipelineRunsItsNewDeclarationNotTheOldVersionOne() {
        client().createPipeline(r -> r.pipeline(pipeline("reborn", "QUEUED", stage("Build", commands("Old", 1, "true")))));
        assertThat(awaitSettled(client(), "reborn", created("reborn")).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        client().deletePipeline(r -> r.name("reborn"));
        // The new pipeline is version 1 again: what the engine parsed of the old version 1 must not be reused.
        client().createPipeline(r -> r.pipeline(pipeline("reborn", "QUEUED", stage("Build", commands("New", 1, "true")))));
        String id = created("reborn");
        assertThat(awaitSettled(client(), "reborn", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(byAction(actionsOf("reborn", id))).containsKey("New").doesNotContainKey("Old");
    }

    @Test
    void aFailedActionFailsItsStageOnceItsGroupSettlesAndLaterGroupsNeverRun() {
        client().createPipeline(r -> r.pipeline(pipeline("failing", "QUEUED",
                stage("Build", commands("Broken", 1, "echo about to fail", "exit 3"), commands("Slow", 1, "sleep 1"),
                        commands("Never", 2, "true")),
                stage("Deploy", commands("Deploy", 1, "true")))));
        String id = created("failing");
        PipelineExecution done = awaitSettled(client(), "failing", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(done.statusSummary()).contains("Broken").contains("exit code 3").contains("exit 3");
        Map<String, ActionExecutionDetail> a = byAction(actionsOf("failing", id));
        assertThat(a.get("Broken").status()).isEqualTo(ActionExecutionStatus.FAILED);
        assertThat(a.get("Broken").output().executionResult().errorDetails().message()).contains("Command 2 failed with exit code 3");
        assertThat(a.get("Slow").status()).as("the group settled before the stage failed").isEqualTo(ActionExecutionStatus.SUCCEEDED);
        assertThat(a).doesNotContainKeys("Never", "Deploy");
        StageState build = client().getPipelineState(r -> r.name("failing")).stageStates().get(1);
        assertThat(build.latestExecution().status()).isEqualTo(StageExecutionStatus.FAILED);
    }

    @Test
    void variablesResolveFromThePipelineTheExecutionAndEarlierNamespaces() {
        PipelineDeclaration declared = pipeline("vars", "QUEUED",
                stage("Build", commands("Build", 1, "export IMAGE_TAG=tag-$CODEPIPELINE_EXECUTION_ID", "echo $IMAGE_TAG").toBuilder()
                        .namespace("BuildVariables").outputVariables("IMAGE_TAG").build()),
                stage("Deploy", commands("Deploy", 1,
                        "test '#{BuildVariables.IMAGE_TAG}' = 'tag-#{codepipeline.PipelineExecutionId}'",
                        "test '#{variables.ENVIRONMENT}' = 'staging'",
                        "test '#{SourceVariables.BucketName}' = '" + ExecutionFixtures.SOURCE_BUCKET + "'")))
                .toBuilder().variables(v -> v.name("ENVIRONMENT").defaultValue("production")).build();
        client().createPipeline(r -> r.pipeline(declared));
        String id = client().startPipelineExecution(r -> r.name("vars").variables(v -> v.name("ENVIRONMENT").value("staging")))
                .pipelineExecutionId();
        PipelineExecution done = awaitSettled(client(), "vars", id);
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.variables()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("ENVIRONMENT");
            assertThat(v.resolvedValue()).isEqualTo("staging");
        });
        Map<String, ActionExecutionDetail> a = byAction(actionsOf("vars", id));
        assertThat(a.get("Build").output().outputVariables()).containsEntry("IMAGE_TAG", "tag-" + id);

        assertThatThrownBy(() -> client().startPipelineExecution(r -> r.name("vars").variables(v -> v.name("UNDECLARED").value("x"))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("UNDECLARED");
    }

    @Test
    void anUnresolvableVariableFailsTheActionNamingIt() {
        client().createPipeline(r -> r.pipeline(pipeline("unresolvable", "QUEUED",
                stage("Build", commands("Build", 1, "true").toBuilder().namespace("BuildVariables").build()),
                stage("Deploy", commands("Deploy", 1, "echo #{BuildVariables.NOT_EXPORTED}")))));
        String id = created("unresolvable");
        PipelineExecution done = awaitSettled(client(), "unresolvable", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        ActionExecutionDetail deploy = byAction(actionsOf("unresolvable", id)).get("Deploy");
        assertThat(deploy.status()).isEqualTo(ActionExecutionStatus.FAILED);
        assertThat(deploy.output().executionResult().errorDetails().message()).contains("#{BuildVariables.NOT_EXPORTED}");
    }

    @Test
    void aManualApprovalWaitsForApprovalAndShowsItsTokenAndLink() {
        client().createPipeline(r -> r.pipeline(pipeline("approve", "QUEUED", stage("Approve", approval("Gate")),
                stage("Deploy", commands("Deploy", 1, "true")))));
        String id = created("approve");
        ActionState gate = awaitApproval("approve");
        assertThat(gate.entityUrl()).isEqualTo("https://example.com/release-notes");
        assertThatThrownBy(() -> client().putApprovalResult(r -> r.pipelineName("approve").stageName("Approve").actionName("Gate")
                .token("00000000-0000-0000-0000-000000000000").result(x -> x.status(ApprovalStatus.APPROVED).summary("no"))))
                .isInstanceOf(InvalidApprovalTokenException.class);
        Instant approvedAt = client().putApprovalResult(r -> r.pipelineName("approve").stageName("Approve").actionName("Gate")
                .token(gate.latestExecution().token()).result(x -> x.status(ApprovalStatus.APPROVED).summary("looks good"))).approvedAt();
        assertThat(approvedAt).isNotNull();
        assertThat(awaitSettled(client(), "approve", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        ActionExecutionDetail detail = byAction(actionsOf("approve", id)).get("Gate");
        assertThat(detail.output().executionResult().externalExecutionSummary()).isEqualTo("looks good");
        assertThat(detail.updatedBy()).as("the administrator who signed").isEqualTo("arn:aws:iam::000000000000:user/admin");
        assertThat(detail.input().configuration()).containsEntry("CustomData", "Ship it?");
        assertThatThrownBy(() -> client().putApprovalResult(r -> r.pipelineName("approve").stageName("Approve").actionName("Gate")
                .token(gate.latestExecution().token()).result(x -> x.status(ApprovalStatus.APPROVED).summary("again"))))
                .isInstanceOf(ApprovalAlreadyCompletedException.class);
    }

    @Test
    void aRejectedApprovalFailsTheExecution() {
        client().createPipeline(r -> r.pipeline(pipeline("reject", "QUEUED", stage("Approve", approval("Gate")))));
        String id = created("reject");
        ActionState gate = awaitApproval("reject");
        client().putApprovalResult(r -> r.pipelineName("reject").stageName("Approve").actionName("Gate")
                .token(gate.latestExecution().token()).result(x -> x.status(ApprovalStatus.REJECTED).summary("not today")));
        PipelineExecution done = awaitSettled(client(), "reject", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(done.statusSummary()).contains("not today");
    }

    @Test
    void anUnansweredApprovalTimesOut() {
        client().createPipeline(r -> r.pipeline(pipeline("timeout", "QUEUED", stage("Approve", approval("Gate")))));
        String id = created("timeout");
        PipelineExecution done = awaitSettled(client(), "timeout", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(byAction(actionsOf("timeout", id)).get("Gate").output().executionResult().errorDetails().message())
                .contains("timed out");
    }

    private static ActionState awaitApproval(String pipeline) {
        return await(() -> client().getPipelineState(r -> r.name(pipeline)).stageStates().get(1).actionStates().getFirst(),
                s -> s.latestExecution() != null && s.latestExecution().token() != null, Duration.ofSeconds(20), "an approval token");
    }

    @Test
    void stoppingWithoutAbandonLetsTheRunningActionFinish() {
        client().createPipeline(r -> r.pipeline(pipeline("stop-finish", "QUEUED",
                stage("Build", commands("Build", 1, "sleep 1")), stage("Deploy", commands("Deploy", 1, "true")))));
        String id = created("stop-finish");
        awaitRunning("stop-finish", id, "Build");
        client().stopPipelineExecution(r -> r.pipelineName("stop-finish").pipelineExecutionId(id).reason("hold on"));
        assertThat(ExecutionFixtures.execution(client(), "stop-finish", id).status()).isEqualTo(PipelineExecutionStatus.STOPPING);
        assertThatThrownBy(() -> client().stopPipelineExecution(r -> r.pipelineName("stop-finish").pipelineExecutionId(id)))
                .isInstanceOf(DuplicatedStopRequestException.class);
        PipelineExecution done = awaitSettled(client(), "stop-finish", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.STOPPED);
        Map<String, ActionExecutionDetail> a = byAction(actionsOf("stop-finish", id));
        assertThat(a.get("Build").status()).isEqualTo(ActionExecutionStatus.SUCCEEDED);
        assertThat(a).doesNotContainKey("Deploy");
        assertThat(client().listPipelineExecutions(r -> r.pipelineName("stop-finish")).pipelineExecutionSummaries().getFirst()
                .stopTrigger().reason()).isEqualTo("hold on");
        assertThatThrownBy(() -> client().stopPipelineExecution(r -> r.pipelineName("stop-finish").pipelineExecutionId(id)))
                .isInstanceOf(PipelineExecutionNotStoppableException.class);
    }

    @Test
    void stoppingWithAbandonStopsAtOnceAndAbandonsTheRunningAction() {
        client().createPipeline(r -> r.pipeline(pipeline("stop-abandon", "QUEUED",
                stage("Build", commands("Build", 1, "sleep 30")), stage("Deploy", commands("Deploy", 1, "true")))));
        String id = created("stop-abandon");
        awaitRunning("stop-abandon", id, "Build");
        Instant asked = Instant.now();
        client().stopPipelineExecution(r -> r.pipelineName("stop-abandon").pipelineExecutionId(id).abandon(true).reason("abandon"));
        PipelineExecution done = awaitSettled(client(), "stop-abandon", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.STOPPED);
        assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(20));
        assertThat(byAction(actionsOf("stop-abandon", id)).get("Build").status()).isEqualTo(ActionExecutionStatus.ABANDONED);
    }

    private static void awaitRunning(String pipeline, String id, String action) {
        await(() -> byAction(actionsOf(pipeline, id)), a -> a.containsKey(action) && a.get(action).status() == ActionExecutionStatus.IN_PROGRESS,
                Duration.ofSeconds(20), action + " to run");
    }

    @Test
    void retryingFailedActionsRunsOnlyThoseAndAllActionsRunsEverything() throws Exception {
        java.nio.file.Path marker = fixture.jobSharedDirectory("retry"); // jobs see only their workspace and this
        client().createPipeline(r -> r.pipeline(pipeline("retry", "QUEUED",
                stage("Build", commands("Steady", 1, "true"),
                        commands("Flaky", 1, "if [ -f " + marker + "/fixed ]; then true; else exit 1; fi")))));
        String first = created("retry");
        assertThat(awaitSettled(client(), "retry", first).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThatThrownBy(() -> client().retryStageExecution(r -> r.pipelineName("retry").stageName("Source")
                .pipelineExecutionId(first).retryMode(StageRetryMode.FAILED_ACTIONS)))
                .as("a stage that succeeded is not retryable").isInstanceOf(StageNotRetryableException.class);
        String second = start("retry");
        assertThat(awaitSettled(client(), "retry", second).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThatThrownBy(() -> client().retryStageExecution(r -> r.pipelineName("retry").stageName("Build")
                .pipelineExecutionId(first).retryMode(StageRetryMode.ALL_ACTIONS)))
                .as("only the latest execution of a stage can be retried").isInstanceOf(NotLatestPipelineExecutionException.class);

        java.nio.file.Files.createFile(marker.resolve("fixed"));
        client().retryStageExecution(r -> r.pipelineName("retry").stageName("Build").pipelineExecutionId(second)
                .retryMode(StageRetryMode.FAILED_ACTIONS));
        assertThat(awaitSettled(client(), "retry", second).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        Map<String, Long> runs = actionsOf("retry", second).stream()
                .collect(Collectors.groupingBy(ActionExecutionDetail::actionName, Collectors.counting()));
        assertThat(runs).as("FAILED_ACTIONS runs only the failed action again").containsEntry("Steady", 1L).containsEntry("Flaky", 2L);

        java.nio.file.Files.delete(marker.resolve("fixed"));
        String third = start("retry");
        assertThat(awaitSettled(client(), "retry", third).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        java.nio.file.Files.createFile(marker.resolve("fixed"));
        client().retryStageExecution(r -> r.pipelineName("retry").stageName("Build").pipelineExecutionId(third)
                .retryMode(StageRetryMode.ALL_ACTIONS));
        assertThat(awaitSettled(client(), "retry", third).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        Map<String, Long> all = actionsOf("retry", third).stream()
                .collect(Collectors.groupingBy(ActionExecutionDetail::actionName, Collectors.counting()));
        assertThat(all).as("ALL_ACTIONS runs every action again").containsEntry("Steady", 2L).containsEntry("Flaky", 2L);
    }

    @Test
    void anExecutionWaitsAtADisabledTransitionAndGoesOnWhenItIsEnabled() {
        client().createPipeline(r -> r.pipeline(pipeline("gated", "QUEUED", stage("Build", commands("Build", 1, "true")),
                stage("Deploy", commands("Deploy", 1, "true")))));
        // The execution creating the pipeline started goes through before the transition is disabled.
        assertThat(awaitSettled(client(), "gated", created("gated")).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        client().disableStageTransition(r -> r.pipelineName("gated").stageName("Deploy").transitionType(StageTransitionType.INBOUND)
                .reason("change freeze"));
        String id = start("gated");
        StageState deploy = await(() -> client().getPipelineState(r -> r.name("gated")).stageStates().get(2),
                s -> s.inboundExecution() != null, Duration.ofSeconds(20), "the execution to wait at Deploy");
        assertThat(deploy.inboundExecution().pipelineExecutionId()).isEqualTo(id);
        assertThat(deploy.inboundTransitionState().enabled()).isFalse();
        assertThat(deploy.inboundTransitionState().disabledReason()).isEqualTo("change freeze");
        assertThat(ExecutionFixtures.execution(client(), "gated", id).status()).isEqualTo(PipelineExecutionStatus.IN_PROGRESS);

        client().enableStageTransition(r -> r.pipelineName("gated").stageName("Deploy").transitionType(StageTransitionType.INBOUND));
        assertThat(awaitSettled(client(), "gated", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(client().getPipelineState(r -> r.name("gated")).stageStates().get(2).inboundTransitionState().enabled()).isTrue();
    }

    @Test
    void supersededModeLetsANewerExecutionOvertakeAnOlderWaitingOne() {
        client().createPipeline(r -> r.pipeline(pipeline("superseded", "SUPERSEDED",
                stage("Build", commands("Build", 1, "sleep 1")), stage("Deploy", commands("Deploy", 1, "sleep 1")))));
        List<String> ids = startConcurrently("superseded", 4);
        List<PipelineExecution> done = ids.stream().map(id -> awaitSettled(client(), "superseded", id)).toList();
        assertThat(done).extracting(PipelineExecution::status).contains(PipelineExecutionStatus.SUPERSEDED)
                .doesNotContain(PipelineExecutionStatus.FAILED);
        // The newest by start order as the server saw it (concurrent starts may reach it in any order).
        String newest = client().listPipelineExecutions(r -> r.pipelineName("superseded")).pipelineExecutionSummaries().getFirst()
                .pipelineExecutionId();
        assertThat(ExecutionFixtures.execution(client(), "superseded", newest).status()).as("the newest always finishes")
                .isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.stream().filter(e -> e.status() == PipelineExecutionStatus.SUPERSEDED))
                .allSatisfy(e -> assertThat(e.statusSummary()).startsWith("Superseded by execution"));
        assertNoTwoExecutionsShareAStage("superseded");
    }

    @Test
    void queuedModeRunsEveryExecutionInOrderOneAtATimePerStage() {
        client().createPipeline(r -> r.pipeline(pipeline("queued", "QUEUED",
                stage("Build", commands("Build", 1, "sleep 0.5")), stage("Deploy", commands("Deploy", 1, "sleep 0.5")))));
        List<String> ids = startConcurrently("queued", 3);
        List<PipelineExecution> done = ids.stream().map(id -> awaitSettled(client(), "queued", id)).toList();
        assertThat(done).extracting(PipelineExecution::status).containsOnly(PipelineExecutionStatus.SUCCEEDED);
        // In the order the server started them (concurrent starts may reach it in any order): ListPipelineExecutions is newest first.
        List<String> started = client().listPipelineExecutions(r -> r.pipelineName("queued")).pipelineExecutionSummaries().reversed().stream()
                .map(PipelineExecutionSummary::pipelineExecutionId).filter(ids::contains).toList();
        List<Instant> deployStarts = started.stream().map(id -> byAction(actionsOf("queued", id)).get("Deploy").startTime()).toList();
        assertThat(deployStarts).as("executions leave in the order they started").isSorted();
        assertNoTwoExecutionsShareAStage("queued");
    }

    @Test
    void parallelModeRunsExecutionsIndependently() {
        client().createPipeline(r -> r.pipeline(pipeline("parallel", "PARALLEL", stage("Build", commands("Build", 1, "sleep 1")))));
        List<String> ids = startConcurrently("parallel", 3);
        List<PipelineExecution> done = ids.stream().map(id -> awaitSettled(client(), "parallel", id)).toList();
        assertThat(done).extracting(PipelineExecution::status).containsOnly(PipelineExecutionStatus.SUCCEEDED);
        List<ActionExecutionDetail> builds = ids.stream().map(id -> byAction(actionsOf("parallel", id)).get("Build")).toList();
        Instant latestStart = builds.stream().map(ActionExecutionDetail::startTime).max(Instant::compareTo).orElseThrow();
        Instant earliestEnd = builds.stream().map(ActionExecutionDetail::lastUpdateTime).min(Instant::compareTo).orElseThrow();
        assertThat(latestStart).as("all three builds ran at the same time").isBefore(earliestEnd);
    }

    private static List<String> startConcurrently(String pipeline, int count) {
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<String>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> start(pipeline)));
                Thread.sleep(50);
            }
            List<String> ids = new java.util.ArrayList<>();
            for (var f : futures) {
                ids.add(f.get());
            }
            return ids;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** In SUPERSEDED and QUEUED modes, the action runs of one stage never overlap across executions. */
    private static void assertNoTwoExecutionsShareAStage(String pipeline) {
        List<ActionExecutionDetail> all = client().listActionExecutionsPaginator(r -> r.pipelineName(pipeline))
                .actionExecutionDetails().stream().toList();
        Map<String, List<ActionExecutionDetail>> byStage = all.stream().collect(Collectors.groupingBy(ActionExecutionDetail::stageName));
        byStage.forEach((stage, runs) -> {
            List<ActionExecutionDetail> sorted = runs.stream().sorted(java.util.Comparator.comparing(ActionExecutionDetail::startTime)).toList();
            for (int i = 1; i < sorted.size(); i++) {
                assertThat(sorted.get(i).startTime()).as("stage " + stage + " is held by one execution at a time")
                        .isAfterOrEqualTo(sorted.get(i - 1).lastUpdateTime());
            }
        });
    }

    @Test
    void aClientRequestTokenMakesStartIdempotent() {
        client().createPipeline(r -> r.pipeline(pipeline("idempotent", "QUEUED", stage("Build", commands("Build", 1, "true")))));
        String first = client().startPipelineExecution(r -> r.name("idempotent").clientRequestToken("token-1")).pipelineExecutionId();
        String again = client().startPipelineExecution(r -> r.name("idempotent").clientRequestToken("token-1")).pipelineExecutionId();
        String other = client().startPipelineExecution(r -> r.name("idempotent").clientRequestToken("token-2")).pipelineExecutionId();
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(ExecutionFixtures.execution(client(), "idempotent", first).trigger().triggerTypeAsString())
                .isEqualTo("StartPipelineExecution");
        assertThat(ExecutionFixtures.execution(client(), "idempotent", first).trigger().triggerDetail())
                .isEqualTo("arn:aws:iam::000000000000:user/admin");
        assertThatThrownBy(() -> client().getPipelineExecution(r -> r.pipelineName("idempotent").pipelineExecutionId("00000000-0000-0000-0000-000000000000")))
                .isInstanceOf(PipelineExecutionNotFoundException.class);
    }
}
