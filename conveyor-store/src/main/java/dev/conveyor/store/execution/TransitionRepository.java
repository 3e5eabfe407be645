package dev.conveyor.store.execution;

import dev.conveyor.store.jdbc.Columns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Disabled and re-enabled stage transitions. A transition without a row is enabled. */
public final class TransitionRepository {

    /** Sets a transition's state, inside the caller's transaction. */
    public void put(Connection c, TransitionRow t) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE stage_transition SET enabled = ?, reason = ?, changed_by = ?, changed_at = ? "
                + "WHERE pipeline_name = ? AND stage_name = ? AND transition_type = ?")) {
            u.setBoolean(1, t.enabled());
            u.setString(2, t.reason());
            u.setString(3, t.changedBy());
            Columns.setInstant(u, 4, t.changedAt());
            u.setString(5, t.pipelineName());
            u.setString(6, t.stageName());
            u.setString(7, t.transitionType());
            if (u.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO stage_transition (pipeline_name, stage_name, transition_type, enabled, "
                + "reason, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, t.pipelineName());
            s.setString(2, t.stageName());
            s.setString(3, t.transitionType());
            s.setBoolean(4, t.enabled());
            s.setString(5, t.reason());
            s.setString(6, t.changedBy());
            Columns.setInstant(s, 7, t.changedAt());
            s.executeUpdate();
        }
    }

    /** Every transition of the pipeline that has a recorded state. */
    public List<TransitionRow> transitions(Connection c, String pipelineName) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pipeline_name, stage_name, transition_type, enabled, reason, changed_by, changed_at "
                + "FROM stage_transition WHERE pipeline_name = ?")) {
            s.setString(1, pipelineName);
            List<TransitionRow> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new TransitionRow(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4), r.getString(5),
                            r.getString(6), Columns.instant(r, "changed_at")));
                }
            }
            return rows;
        }
    }
}
