package dev.conveyor.events.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.TransitionRecorder;
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
 * with a {@code NotificationArn} also puts CodePipeline's approval message for that topic in the outbox.
 */
public final class OutboxRecorder implements TransitionRecorder {
    private final ExecutionRepository executions = new ExecutionRepository();
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
        Set<String> ids = new LinkedHashSet<>(changedExecutions);
        for (PipelineExecutionRow active : executions.activeExecutions(c, pipelineName)) {
            ids.add(active.id());
        }
        for (String id : ids) {
            PipelineExecutionRow execution = executions.findExecution(c, id).orElse(null);
            if (execution != null) {
                recordExecution(c, execution, now);
            }
        }
    }

    private void recordExecution(Connection c, PipelineExecutionRow execution, Instant now) throws SQLException {
        Map<String, String> seen = seen(c, execution.id());
        List<StageExecutionRow> stages = executions.stages(c, execution.id());
        List<ActionExecutionRow> actions = new ArrayList<>(executions.actions(c, execution.id()));
        actions.sort(Comparator.comparing(ActionExecutionRow::startedAt).thenComparing(ActionExecutionRow::id));
        int attempt = stages.stream().mapToInt(StageExecutionRow::attempt).max().orElse(1);
        Map<String, String> changes = new HashMap<>();

        String before = seen.get("pipeline");
        PipelineExecutionStatus status = execution.status();
        if (before == null || !before.equals(status.name())) {
            changes.put("pipeline", status.name());
        }
        if (before == null) {
            emit(c, execution, CodePipelineEvents.PIPELINE_STATE_CHANGE, events.pipelineDetail(execution, "STARTED", attempt), now);
        } else if (status == PipelineExecutionStatus.InProgress && !before.equals("InProgress") && !before.equals("Stopping")) {
            emit(c, execution, CodePipelineEvents.PIPELINE_STATE_CHANGE, events.pipelineDetail(execution, "RESUMED", attempt), now);
        }
        for (StageExecutionRow stage : stages) {
            String key = "stage:" + stage.stageName();
            String was = seen.get(key);
            String is = stage.status().name();
            boolean changed = was == null || !was.equals(is);
            if (changed) {
                changes.put(key, is);
            }
            if (was == null) {
                emit(c, execution, CodePipelineEvents.STAGE_STATE_CHANGE, events.stageDetail(execution, stage.stageName(), "STARTED", attempt), now);
            } else if (changed && stage.status() == StageExecutionStatus.InProgress) {
                emit(c, execution, CodePipelineEvents.STAGE_STATE_CHANGE, events.stageDetail(execution, stage.stageName(), "RESUMED", attempt), now);
            }
            for (ActionExecutionRow action : actions) {
                if (action.stageName().equals(stage.stageName())) {
                    recordAction(c, execution, action, seen, changes, attempt, now);
                }
            }
            String stageEnd = changed ? stageState(stage.status()) : null;
            if (stageEnd != null) {
                emit(c, execution, CodePipelineEvents.STAGE_STATE_CHANGE, events.stageDetail(execution, stage.stageName(), stageEnd, attempt), now);
            }
        }
        if (changes.containsKey("pipeline") && status != PipelineExecutionStatus.InProgress) {
            emit(c, execution, CodePipelineEvents.PIPELINE_STATE_CHANGE, events.pipelineDetail(execution, pipelineState(status), attempt), now);
        }
        for (Map.Entry<String, String> change : changes.entrySet()) {
            remember(c, execution.id(), change.getKey(), change.getValue(), seen.containsKey(change.getKey()));
        }
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

    /** The event a stage's new status makes; null for InProgress (handled as STARTED/RESUMED) and Skipped (no event). */
    static String stageState(StageExecutionStatus status) {
        return switch (status) {
            case InProgress, Skipped -> null;
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
