package dev.conveyor.events.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.ExecutionInHand;
import dev.conveyor.engine.TransitionRecorder;
import dev.conveyor.engine.rules.ConditionExecutionRow;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.events.Json;
import dev.conveyor.model.execution.ActionExecutionStatus;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the engine's changes into events, inside the engine's transaction: for every execution the transaction
 * touched (and every active one of the pipeline), the statuses of the execution, its stages and its actions are
 * compared with what was recorded last ({@code event_state}); each difference is an event in the outbox, in the
 * order a reader expects (the execution starts, a stage starts, its actions start and finish, the stage finishes,
 * the execution finishes). A row first seen already settled gets its STARTED event too. An approval that starts
 * with a {@code NotificationArn} also puts CodePipeline's approval message for that topic in the outbox. Stage
 * conditions and their rules (the engine's condition tables) are compared the same way and told with Conveyor's
 * two extension detail types, in the order they happen within their stage: entry conditions, actions, success or
 * failure conditions; a stage retried automatically is RESUMED after what its failed attempt did.
 */
public final class OutboxRecorder implements TransitionRecorder {
    private final ExecutionRepository executions = new ExecutionRepository();
    private final ConditionRepository conditions = new ConditionRepository();
    private final Outbox outbox;
    private final CodePipelineEvents events;
    private final ApprovalMessages approvals;
    private final Runnable onCommit;

    public OutboxRecorder(Outbox outbox, CodePipelineEvents events, ApprovalMessages approvals, Runnable onCommit) {
        this.outbox = outbox;
        this.events = events;
        this.approvals = approvals;
        this.onCommit = onCommit;
    }

    @Override
    public void committed() {
        onCommit.run();
    }

    @Override
    public void record(Connection c, String pipelineName, Set<String> changedExecutions, Instant now) throws SQLException {
        record(c, pipelineName, changedExecutions, null, now);
    }

    /**
     * The executions the transaction changed, then the pipeline's other active ones. The rows of an execution the
     * engine holds current ({@code inHand}: the active ones, after the advancer found nothing more to move) are not
     * read again; only an execution the transaction settled is.
     */
    @Override
    public void record(Connection c, String pipelineName, Set<String> changedExecutions, Map<String, ExecutionInHand> inHand,
                       Instant now) throws SQLException {
        Map<String, ExecutionInHand> active = inHand;
        if (active == null) {
            active = new LinkedHashMap<>();
            for (PipelineExecutionRow row : executions.activeExecutions(c, pipelineName)) {
                active.put(row.id(), null); // its stages and actions are read when it is recorded
            }
        }
        Set<String> ids = new LinkedHashSet<>(changedExecutions);
        ids.addAll(active.keySet());
        for (String id : ids) {
            ExecutionInHand held = active.get(id);
            if (held != null) {
                recordExecution(c, held.execution(), held.stages(), held.actions(), held.conditionsDeclared(), now);
                continue;
            }
            PipelineExecutionRow execution = executions.findExecution(c, id).orElse(null);
            if (execution != null) {
                recordExecution(c, execution, executions.stages(c, id), executions.actions(c, id), true, now);
            }
        }
    }

    /**
     * @param mayHaveConditions false when the execution's pipeline version declares no stage condition (the engine
     *                          knows it of the executions it holds): its condition executions, none, are not read
     */
    private void recordExecution(Connection c, PipelineExecutionRow execution, List<StageExecutionRow> stages,
                                 List<ActionExecutionRow> actionsAsStored, boolean mayHaveConditions, Instant now) throws SQLException {
        Map<String, String> seen = seen(c, execution.id());
        List<ActionExecutionRow> actions = new ArrayList<>(actionsAsStored);
        actions.sort(Comparator.comparing(ActionExecutionRow::startedAt).thenComparing(ActionExecutionRow::id));
        List<ConditionExecutionRow> stageConditions = mayHaveConditions ? conditions.conditionsOfExecution(c, execution.id()) : List.of();
        int attempt = stages.stream().mapToInt(StageExecutionRow::attempt).max().orElse(1);
        Pass pass = new Pass(c, execution, seen, new HashMap<>(), attempt, now);

        String before = seen.get("pipeline");
        PipelineExecutionStatus status = execution.status();
        if (before == null || !before.equals(status.name())) {
            pass.changes.put("pipeline", status.name());
        }
        if (before == null) {
            pass.emit(CodePipelineEvents.PIPELINE_STATE_CHANGE, pipelineDetail(pass, "STARTED"));
        } else if (status == PipelineExecutionStatus.InProgress && !before.equals("InProgress") && !before.equals("Stopping")) {
            pass.emit(CodePipelineEvents.PIPELINE_STATE_CHANGE, pipelineDetail(pass, "RESUMED"));
        }
        for (StageExecutionRow stage : stages) {
            String key = "stage:" + stage.stageName();
            String was = seen.get(key);
            String is = stage.status().name();
            boolean changed = was == null || !was.equals(is);
            if (changed) {
                pass.changes.put(key, is);
            }
            String attemptKey = "stage-attempt:" + stage.stageName();
            int attemptWas = seen.containsKey(attemptKey) ? Integer.parseInt(seen.get(attemptKey)) : 1;
            boolean retried = stage.attempt() != attemptWas;
            if (retried) {
                pass.changes.put(attemptKey, Integer.toString(stage.attempt()));
            }
            if (was == null) {
                pass.emit(CodePipelineEvents.STAGE_STATE_CHANGE, events.stageDetail(execution, stage.stageName(), "STARTED", attempt));
            }
            // What an earlier attempt did is told before the stage resumes (an automatic retry: the failed action first).
            recordAttempt(pass, stage, stageConditions, actions, true);
            if (was != null && stage.status() == StageExecutionStatus.InProgress && (changed || retried)) {
                ConditionRepository.StageRetry retry = conditions.retry(c, execution.id(), stage.stageName()).orElse(null);
                pass.emit(CodePipelineEvents.STAGE_STATE_CHANGE, events.stageDetail(execution, stage.stageName(), "RESUMED", attempt, retry));
            }
            recordAttempt(pass, stage, stageConditions, actions, false);
            String stageEnd = changed ? stageState(stage.status()) : null;
            if (stageEnd != null) {
                pass.emit(CodePipelineEvents.STAGE_STATE_CHANGE, events.stageDetail(execution, stage.stageName(), stageEnd, attempt));
            }
        }
        if (pass.changes.containsKey("pipeline") && status != PipelineExecutionStatus.InProgress) {
            pass.emit(CodePipelineEvents.PIPELINE_STATE_CHANGE, pipelineDetail(pass, pipelineState(status)));
        }
        for (Map.Entry<String, String> change : pass.changes.entrySet()) {
            remember(c, execution.id(), change.getKey(), change.getValue(), seen.containsKey(change.getKey()));
        }
    }

    /** One recorder pass over one execution: what it saw before, what it changes, and where its events go. */
    private final class Pass {
        final Connection c;
        final PipelineExecutionRow execution;
        final Map<String, String> seen;
        final Map<String, String> changes;
        final int attempt;
        final Instant now;

        Pass(Connection c, PipelineExecutionRow execution, Map<String, String> seen, Map<String, String> changes, int attempt, Instant now) {
            this.c = c;
            this.execution = execution;
            this.seen = seen;
            this.changes = changes;
            this.attempt = attempt;
            this.now = now;
        }

        void emit(String detailType, ObjectNode detail) throws SQLException {
            OutboxRecorder.this.emit(c, execution, detailType, detail, now);
        }
    }

    private ObjectNode pipelineDetail(Pass pass, String state) throws SQLException {
        String target = null;
        if ("ROLLBACK".equals(pass.execution.executionType())) {
            target = conditions.rollback(pass.c, pass.execution.id()).map(ConditionRepository.Rollback::targetExecutionId).orElse(null);
        }
        return events.pipelineDetail(pass.execution, state, pass.attempt, target);
    }

    /**
     * The stage's entry conditions, actions, then success and failure conditions, of its earlier attempts or of its
     * current one: the order in which they happen.
     */
    private void recordAttempt(Pass pass, StageExecutionRow stage, List<ConditionExecutionRow> stageConditions,
                               List<ActionExecutionRow> actions, boolean earlier) throws SQLException {
        java.util.function.IntPredicate inAttempt = a -> earlier ? a < stage.attempt() : a >= stage.attempt();
        recordConditions(pass, stage, ConditionExecutionRow.BEFORE_ENTRY, stageConditions, inAttempt);
        for (ActionExecutionRow action : actions) {
            if (action.stageName().equals(stage.stageName()) && inAttempt.test(action.stageAttempt())) {
                recordAction(pass.c, pass.execution, action, pass.seen, pass.changes, pass.attempt, pass.now);
            }
        }
        recordConditions(pass, stage, ConditionExecutionRow.ON_SUCCESS, stageConditions, inAttempt);
        recordConditions(pass, stage, ConditionExecutionRow.ON_FAILURE, stageConditions, inAttempt);
    }

    private void recordConditions(Pass pass, StageExecutionRow stage, String type, List<ConditionExecutionRow> stageConditions,
                                  java.util.function.IntPredicate inAttempt) throws SQLException {
        for (ConditionExecutionRow condition : stageConditions) {
            if (!condition.stageName().equals(stage.stageName()) || !condition.conditionType().equals(type)
                    || !inAttempt.test(condition.stageAttempt())) {
                continue;
            }
            String key = "condition:" + condition.id();
            String was = pass.seen.get(key);
            String is = condition.status();
            boolean changed = was == null || !was.equals(is);
            if (was == null) {
                pass.emit(CodePipelineEvents.CONDITION_STATE_CHANGE, events.conditionDetail(pass.execution, condition, "STARTED", pass.attempt));
            }
            // A condition recorded as settled has every rule settled and recorded with it: its rules are not read again.
            if (changed || !condition.settled()) {
                for (RuleExecutionRow rule : conditions.rulesOf(pass.c, condition.id())) {
                    recordRule(pass, condition, rule);
                }
            }
            if (changed) {
                pass.changes.put(key, is);
                if (condition.settled()) {
                    pass.emit(CodePipelineEvents.CONDITION_STATE_CHANGE, events.conditionDetail(pass.execution, condition,
                            conditionState(is), pass.attempt));
                }
            }
        }
    }

    private void recordRule(Pass pass, ConditionExecutionRow condition, RuleExecutionRow rule) throws SQLException {
        String key = "rule:" + rule.id();
        String was = pass.seen.get(key);
        String is = rule.status();
        if (was != null && was.equals(is)) {
            return;
        }
        pass.changes.put(key, is);
        if (was == null) {
            pass.emit(CodePipelineEvents.RULE_STATE_CHANGE, events.ruleDetail(pass.execution, condition.conditionType(), rule, "STARTED",
                    pass.attempt));
        }
        if (rule.settled()) {
            pass.emit(CodePipelineEvents.RULE_STATE_CHANGE, events.ruleDetail(pass.execution, condition.conditionType(), rule,
                    conditionState(is), pass.attempt));
        }
    }

    /** A condition's or rule's status as an event state: Succeeded → SUCCEEDED, Cancelled → CANCELED, … */
    static String conditionState(String status) {
        return "Cancelled".equals(status) ? "CANCELED" : status.toUpperCase(java.util.Locale.ROOT);
    }

    private void recordAction(Connection c, PipelineExecutionRow execution, ActionExecutionRow action, Map<String, String> seen,
                              Map<String, String> changes, int attempt, Instant now) throws SQLException {
        String key = "action:" + action.id();
        String was = seen.get(key);
        String is = action.status().name();
        if (was != null && was.equals(is)) {
            return;
        }
        changes.put(key, is);
        if (was == null) {
            emit(c, execution, CodePipelineEvents.ACTION_STATE_CHANGE, events.actionDetail(execution, action, "STARTED", attempt), now);
            JsonNode input = Json.read(action.inputJson());
            if ("Approval".equals(input.path("actionTypeId").path("category").asText()) && action.token() != null) {
                String topic = input.path("configuration").path("NotificationArn").asText("");
                if (!topic.isEmpty()) {
                    ApprovalMessages.Message message = approvals.message(action, input.path("configuration"));
                    outbox.add(c, CodePipelineEvents.newId(), OutboxRow.PUBLISH, execution.pipelineName(), execution.id(), null, topic,
                            message.subject(), message.body(), now);
                }
            }
        }
        if (action.status() != ActionExecutionStatus.InProgress) {
            emit(c, execution, CodePipelineEvents.ACTION_STATE_CHANGE, events.actionDetail(execution, action, actionState(action.status()), attempt), now);
        }
    }

    private void emit(Connection c, PipelineExecutionRow execution, String detailType, ObjectNode detail, Instant now) throws SQLException {
        String id = CodePipelineEvents.newId();
        ObjectNode event = events.envelope(id, detailType, execution.pipelineName(), now, detail);
        outbox.add(c, id, OutboxRow.EVENT, execution.pipelineName(), execution.id(), detailType, null, null, Json.write(event), now);
    }

    static String pipelineState(PipelineExecutionStatus status) {
        return switch (status) {
            case InProgress -> "STARTED";
            case Stopping -> "STOPPING";
            case Stopped -> "STOPPED";
            case Succeeded -> "SUCCEEDED";
            case Superseded -> "SUPERSEDED";
            case Failed -> "FAILED";
            case Cancelled -> "CANCELED";
        };
    }

    /** The event a stage's new status makes; null for InProgress (handled as STARTED/RESUMED). */
    static String stageState(StageExecutionStatus status) {
        return switch (status) {
            case InProgress -> null;
            case Skipped -> "SKIPPED";
            case Stopping -> "STOPPING";
            case Stopped -> "STOPPED";
            case Succeeded -> "SUCCEEDED";
            case Failed -> "FAILED";
            case Cancelled -> "CANCELED";
        };
    }

    static String actionState(ActionExecutionStatus status) {
        return switch (status) {
            case InProgress -> "STARTED";
            case Succeeded -> "SUCCEEDED";
            case Failed -> "FAILED";
            case Abandoned -> "ABANDONED";
        };
    }

    private static Map<String, String> seen(Connection c, String executionId) throws SQLException {
        Map<String, String> seen = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT item, status FROM event_state WHERE execution_id = ?")) {
            s.setString(1, executionId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    seen.put(r.getString(1), r.getString(2));
                }
            }
        }
        return seen;
    }

    private static void remember(Connection c, String executionId, String item, String status, boolean exists) throws SQLException {
        String sql = exists ? "UPDATE event_state SET status = ? WHERE execution_id = ? AND item = ?"
                : "INSERT INTO event_state (status, execution_id, item) VALUES (?, ?, ?)";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, status);
            s.setString(2, executionId);
            s.setString(3, item);
            s.executeUpdate();
        }
    }
}
