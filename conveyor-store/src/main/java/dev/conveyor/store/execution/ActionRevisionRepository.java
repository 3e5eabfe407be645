package dev.conveyor.store.execution;

import dev.conveyor.store.jdbc.Columns;
import dev.conveyor.store.jdbc.Queries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The current revision of each action of a pipeline. Written inside the engine's transaction under the pipeline's
 * row lock, so replacing a row (delete, then insert) needs no upsert dialect of either database.
 */
public final class ActionRevisionRepository {
    private static final String COLUMNS = "pipeline_name, stage_name, action_name, action_execution_id, revision_id, "
            + "revision_change_id, created_at, recorded_at";

    /** Makes {@code row} its action's current revision. */
    public void put(Connection c, ActionRevisionRow row) throws SQLException {
        Queries.update(c, "DELETE FROM action_revision WHERE pipeline_name = ? AND stage_name = ? AND action_name = ?",
                row.pipelineName(), row.stageName(), row.actionName());
        try (PreparedStatement s = c.prepareStatement("INSERT INTO action_revision (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, row.pipelineName());
            s.setString(2, row.stageName());
            s.setString(3, row.actionName());
            s.setString(4, row.actionExecutionId());
            s.setString(5, row.revisionId());
            s.setString(6, row.revisionChangeId());
            Columns.setInstant(s, 7, row.created());
            Columns.setInstant(s, 8, row.recordedAt());
            s.executeUpdate();
        }
    }

    /** The current revisions of a pipeline's actions (those that have one). */
    public List<ActionRevisionRow> ofPipeline(Connection c, String pipelineName) throws SQLException {
        return Queries.list(c, "SELECT " + COLUMNS + " FROM action_revision WHERE pipeline_name = ?", ActionRevisionRepository::row,
                pipelineName);
    }

    private static ActionRevisionRow row(ResultSet r) throws SQLException {
        return new ActionRevisionRow(r.getString("pipeline_name"), r.getString("stage_name"), r.getString("action_name"),
                r.getString("action_execution_id"), r.getString("revision_id"), r.getString("revision_change_id"),
                Columns.instant(r, "created_at"), Columns.instant(r, "recorded_at"));
    }
}
