package dev.conveyor.events.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.engine.rules.ConditionExecutionRow;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.events.EventsSchema;
import dev.conveyor.events.Json;
import dev.conveyor.model.execution.ActionExecutionStatus;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.store.Database;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import dev.conveyor.store.jdbc.Queries;
import dev.conveyor.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The outbox recorder over a real database of each kind: events are written in the transaction of the change (a
 * rollback leaves none), each status change once, in the order a reader expects, with CodePipeline's fields.
 */
class OutboxRecorderTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");
    private final ExecutionRepository executions = new ExecutionRepository();
    private final ConditionRepository conditions = new ConditionRepository();
    private final AtomicInteger committed = new AtomicInteger();

    private OutboxRecorder recorder() {
        return new OutboxRecorder(new Outbox(), new CodePipelineEvents("eu-west-1", "123456789012"),
                new ApprovalMessages("eu-west-1", () -> "http://conveyor.test"), committed::incrementAndGet);
    }

    private static Database open(String kind) throws SQLException {
        Database db = Database.open(TestDatabases.freshUrl(kind));
        EventsSchema.migrate(db);
        db.inTransaction(c -> Queries.update(c, "INSERT INTO pipeline (name, arn, version, pipeline_type, execution_mode, created_at, "
                + "updated_at) VALUES ('shop', 'arn:aws:codepipeline:eu-west-1:123456789012:shop', 1, 'V2', 'QUEUED', 0, 0)"));
        return db;
    }

    private static PipelineExecutionRow execution(String id, PipelineExecutionStatus status) {
        return new PipelineExecutionRow(id, "shop", 1, 1, status, null, "QUEUED", "STANDARD", "StartPipelineExecution",
                "arn:aws:iam::123456789012:user/ada", null, "[]", null, "[]", null, null, T0, T0);
    }

    private static ActionExecutionRow action(String id, String executionId, ActionExecutionStatus status, String output) {
        String input = "{\"actionTypeId\": {\"category\": \"Build\", \"owner\": \"AWS\", \"provider\": \"CodeBuild\", \"version\": \"1\"},"
                + "\"region\": \"eu-west-1\", \"inputArtifacts\": [{\"name\": \"Src\", \"s3location\": {\"bucket\": \"b\", \"key\": \"k\"}}],"
                + "\"configuration\": {}}";
        return new ActionExecutionRow(id, executionId, "shop", 1, "Build", "Compile", 1, 1, status, input, output, null,
                status == ActionExecutionStatus.Failed ? "JobFailed" : null, null, "build-1", "http://ci/build-1", null, null, null, null,
                T0, T0);
    }

    private List<JsonNode> events(Database db) {
        return db.read(c -> Queries.list(c, "SELECT body FROM event_outbox WHERE kind = 'EVENT' ORDER BY seq", r -> Json.read(r.getString(1))));
    }

    private static String describe(JsonNode e) {
        JsonNode d = e.path("detail");
        String what = d.has("rule") ? "rule " + d.path("rule").asText()
                : d.has("condition-type") ? "condition " + d.path("condition-type").asText()
                : d.has("action") ? "action " + d.path("action").asText() : d.has("stage") ? "stage " + d.path("stage").asText() : "pipeline";
        return what + " " + d.path("state").asText();
    }

    private void record(Connection c, String executionId) throws SQLException {
        recorder().record(c, "shop", Set.of(executionId), T0);
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void eachChangeIsOneEventInReadingOrderWithCodePipelinesFields(String kind) throws Exception {
        try (Database db = open(kind)) {
            String id = UUID.randomUUID().toString();
            String actionId = UUID.randomUUID().toString();
            db.inTransaction(c -> {
                executions.insert(c, execution(id, PipelineExecutionStatus.InProgress));
                executions.insert(c, new StageExecutionRow(id, "Build", 0, "shop", 1, StageExecutionStatus.InProgress, null, T0, T0));
                executions.insert(c, action(actionId, id, ActionExecutionStatus.InProgress, null));
                record(c, id);
                return null;
            });
            db.inTransaction(c -> {
                record(c, id); // nothing changed: nothing written
                return null;
            });
            db.inTransaction(c -> {
                executions.update(c, action(actionId, id, ActionExecutionStatus.Failed,
                        "{\"executionResult\": {\"externalExecutionSummary\": \"tests failed\"}}"));
                executions.update(c, new StageExecutionRow(id, "Build", 0, "shop", 1, StageExecutionStatus.Failed, null, T0, T0));
                executions.update(c, execution(id, PipelineExecutionStatus.InProgress).withStatus(PipelineExecutionStatus.Failed, "failed", T0));
                record(c, id);
                return null;
            });
            List<JsonNode> events = events(db);
            assertThat(events).extracting(OutboxRecorderTest::describe).containsExactly("pipeline STARTED", "stage Build STARTED",
                    "action Compile STARTED", "action Compile FAILED", "stage Build FAILED", "pipeline FAILED");
            JsonNode started = events.getFirst();
            assertThat(started.path("version").asText()).isEqualTo("0");
            assertThat(started.path("source").asText()).isEqualTo("aws.codepipeline");
            assertThat(started.path("account").asText()).isEqualTo("123456789012");
            assertThat(started.path("region").asText()).isEqualTo("eu-west-1");
            assertThat(started.path("time").asText()).isEqualTo("2026-03-01T10:00:00Z");
            assertThat(started.path("resources").get(0).asText()).isEqualTo("arn:aws:codepipeline:eu-west-1:123456789012:shop");
            assertThat(started.path("detail").path("execution-trigger").path("trigger-type").asText()).isEqualTo("StartPipelineExecution");
            assertThat(started.path("detail").path("start-time").asText()).isEqualTo("2026-03-01T10:00:00.123Z");
            assertThat(started.path("detail").path("version").asDouble()).isEqualTo(1.0);
            JsonNode actionStarted = events.get(2).path("detail");
            assertThat(actionStarted.path("type").path("provider").asText()).isEqualTo("CodeBuild");
            assertThat(actionStarted.path("input-artifacts").get(0).path("s3location").path("bucket").asText()).isEqualTo("b");
            JsonNode actionFailed = events.get(3).path("detail");
            assertThat(actionFailed.path("execution-result").path("external-execution-summary").asText()).isEqualTo("tests failed");
            assertThat(actionFailed.path("execution-result").path("error-code").asText()).isEqualTo("JobFailed");
            assertThat(actionFailed.path("execution-result").path("external-execution-id").asText()).isEqualTo("build-1");
            assertThat(events).extracting(e -> e.path("id").asText()).doesNotHaveDuplicates();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aChangeThatRollsBackLeavesNoEventAndARetriedStageResumes(String kind) throws Exception {
        try (Database db = open(kind)) {
            String id = UUID.randomUUID().toString();
            assertThatThrownBy(() -> db.inTransaction(c -> {
                executions.insert(c, execution(id, PipelineExecutionStatus.InProgress));
                record(c, id);
                throw new IllegalStateException("the change fails after its events were written");
            })).hasMessageContaining("fails");
            assertThat(events(db)).isEmpty();

            db.inTransaction(c -> {
                executions.insert(c, execution(id, PipelineExecutionStatus.Failed));
                executions.insert(c, new StageExecutionRow(id, "Build", 0, "shop", 1, StageExecutionStatus.Failed, null, T0, T0));
                record(c, id);
                return null;
            });
            db.inTransaction(c -> {
                executions.update(c, new StageExecutionRow(id, "Build", 0, "shop", 2, StageExecutionStatus.InProgress, "FAILED_ACTIONS", T0, T0));
                executions.update(c, execution(id, PipelineExecutionStatus.InProgress));
                record(c, id);
                return null;
            });
            assertThat(events(db)).extracting(OutboxRecorderTest::describe).containsExactly("pipeline STARTED", "stage Build STARTED",
                    "stage Build FAILED", "pipeline FAILED", "pipeline RESUMED", "stage Build RESUMED");
            assertThat(events(db).getLast().path("detail").path("pipeline-execution-attempt").asDouble()).isEqualTo(2.0);
        }
    }

    private static ConditionExecutionRow condition(String id, String executionId, String status, String summary) {
        return new ConditionExecutionRow(id, executionId, "shop", "Build", 1, ConditionExecutionRow.BEFORE_ENTRY, 0, "SKIP", status,
                summary, T0, T0);
    }

    private static RuleExecutionRow rule(String id, String conditionId, String executionId) {
        String input = "{\"ruleTypeId\": {\"category\": \"Rule\", \"owner\": \"AWS\", \"provider\": \"VariableCheck\", \"version\": \"1\"},"
                + "\"region\": \"eu-west-1\", \"configuration\": {}}";
        return new RuleExecutionRow(id, conditionId, executionId, "shop", 1, "Build", "FreezeCheck", "VariableCheck", "InProgress", input,
                null, null, null, null, null, null, null, T0, T0.plusSeconds(3600), T0, T0);
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aRuleThatFailsAndTheEntryConditionThatSkipsItsStageAreEventsInOrder(String kind) throws Exception {
        try (Database db = open(kind)) {
            String id = UUID.randomUUID().toString();
            String conditionId = UUID.randomUUID().toString();
            String ruleId = UUID.randomUUID().toString();
            db.inTransaction(c -> {
                executions.insert(c, execution(id, PipelineExecutionStatus.InProgress));
                executions.insert(c, new StageExecutionRow(id, "Build", 0, "shop", 1, StageExecutionStatus.InProgress, null, T0, T0));
                conditions.insert(c, condition(conditionId, id, "InProgress", null));
                conditions.insert(c, rule(ruleId, conditionId, id));
                record(c, id);
                return null;
            });
            db.inTransaction(c -> {
                record(c, id); // a rule still running is not told again
                return null;
            });
            db.inTransaction(c -> {
                conditions.update(c, rule(ruleId, conditionId, id).settle("Failed", null, "FREEZE is true", "ConfigurationError",
                        "FREEZE is true", null, "http://conveyor.test/rules/1", T0));
                conditions.update(c, condition(conditionId, id, "Failed", "Rule 'FreezeCheck' failed: FREEZE is true"));
                executions.update(c, new StageExecutionRow(id, "Build", 0, "shop", 1, StageExecutionStatus.Skipped, null, T0, T0));
                executions.insert(c, new StageExecutionRow(id, "Deploy", 1, "shop", 1, StageExecutionStatus.InProgress, null, T0, T0));
                record(c, id);
                return null;
            });
            db.inTransaction(c -> {
                record(c, id); // a settled condition's rules are not read again, nor told again
                return null;
            });
            List<JsonNode> events = events(db);
            assertThat(events).extracting(OutboxRecorderTest::describe).containsExactly("pipeline STARTED", "stage Build STARTED",
                    "condition BEFORE_ENTRY STARTED", "rule FreezeCheck STARTED", "rule FreezeCheck FAILED", "condition BEFORE_ENTRY FAILED",
                    "stage Build SKIPPED", "stage Deploy STARTED");
            JsonNode ruleFailed = events.get(4);
            assertThat(ruleFailed.path("detail-type").asText()).isEqualTo("CodePipeline Rule Execution State Change");
            assertThat(ruleFailed.path("source").asText()).isEqualTo("aws.codepipeline");
            assertThat(ruleFailed.path("detail").path("type").path("provider").asText()).isEqualTo("VariableCheck");
            assertThat(ruleFailed.path("detail").path("condition-type").asText()).isEqualTo("BEFORE_ENTRY");
            assertThat(ruleFailed.path("detail").path("execution-result").path("external-execution-summary").asText()).isEqualTo("FREEZE is true");
            assertThat(ruleFailed.path("detail").path("execution-result").path("external-execution-url").asText())
                    .isEqualTo("http://conveyor.test/rules/1");
            assertThat(ruleFailed.path("detail").path("execution-result").path("error-code").asText()).isEqualTo("ConfigurationError");
            JsonNode conditionFailed = events.get(5);
            assertThat(conditionFailed.path("detail-type").asText()).isEqualTo("CodePipeline Stage Condition State Change");
            assertThat(conditionFailed.path("detail").path("result").asText()).isEqualTo("SKIP");
            assertThat(conditionFailed.path("detail").path("summary").asText()).contains("FREEZE is true");
            assertThat(conditionFailed.path("detail").path("stage").asText()).isEqualTo("Build");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void anAutomaticRetryResumesTheStageAfterItsFailedActionWithTheRetryMetadata(String kind) throws Exception {
        try (Database db = open(kind)) {
            String id = UUID.randomUUID().toString();
            String first = UUID.randomUUID().toString();
            db.inTransaction(c -> {
                executions.insert(c, execution(id, PipelineExecutionStatus.InProgress));
                executions.insert(c, new StageExecutionRow(id, "Build", 0, "shop", 1, StageExecutionStatus.InProgress, null, T0, T0));
                executions.insert(c, action(first, id, ActionExecutionStatus.InProgress, null));
                record(c, id);
                return null;
            });
            db.inTransaction(c -> {
                executions.update(c, action(first, id, ActionExecutionStatus.Failed, null));
                conditions.recordRetry(c, id, "Build", true);
                executions.update(c, new StageExecutionRow(id, "Build", 0, "shop", 2, StageExecutionStatus.InProgress, "FAILED_ACTIONS", T0, T0));
                ActionExecutionRow again = action(UUID.randomUUID().toString(), id, ActionExecutionStatus.InProgress, null);
                executions.insert(c, new ActionExecutionRow(again.id(), id, "shop", 1, "Build", "Compile", 2, 1, again.status(), again.inputJson(),
                        null, null, null, null, null, null, null, null, null, null, T0.plusSeconds(1), T0.plusSeconds(1)));
                record(c, id);
                return null;
            });
            List<JsonNode> events = events(db);
            assertThat(events).extracting(OutboxRecorderTest::describe).containsExactly("pipeline STARTED", "stage Build STARTED",
                    "action Compile STARTED", "action Compile FAILED", "stage Build RESUMED", "action Compile STARTED");
            JsonNode resumed = events.get(4).path("detail");
            assertThat(resumed.path("retry-metadata").path("latest-retry-trigger").asText()).isEqualTo("AutomatedStageRetry");
            assertThat(resumed.path("retry-metadata").path("auto-stage-retry-attempt").asInt()).isEqualTo(1);
            assertThat(resumed.path("pipeline-execution-attempt").asDouble()).isEqualTo(2.0);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aRollbackExecutionSaysWhatTriggeredItAndWhereItRollsBackTo(String kind) throws Exception {
        try (Database db = open(kind)) {
            String failed = UUID.randomUUID().toString();
            String good = UUID.randomUUID().toString();
            String id = UUID.randomUUID().toString();
            db.inTransaction(c -> {
                executions.insert(c, execution(good, PipelineExecutionStatus.Succeeded));
                executions.insert(c, execution(failed, PipelineExecutionStatus.Failed));
                executions.insert(c, new PipelineExecutionRow(id, "shop", 1, 3, PipelineExecutionStatus.InProgress, null, "QUEUED", "ROLLBACK",
                        "AutomatedRollback", failed, null, "[]", null, "[]", null, null, T0, T0));
                conditions.insert(c, new ConditionRepository.Rollback(id, "shop", "Deploy", good));
                record(c, id);
                return null;
            });
            JsonNode started = events(db).stream().filter(e -> e.path("detail").path("execution-id").asText().equals(id)).findFirst().orElseThrow()
                    .path("detail");
            assertThat(started.path("state").asText()).isEqualTo("STARTED");
            assertThat(started.path("execution-trigger").path("trigger-type").asText()).isEqualTo("AutomatedRollback");
            assertThat(started.path("execution-trigger").path("trigger-detail").asText()).isEqualTo(failed);
            assertThat(started.path("execution-type").asText()).isEqualTo("ROLLBACK");
            assertThat(started.path("rollback-metadata").path("rollback-target-pipeline-execution-id").asText()).isEqualTo(good);
        }
    }
}
