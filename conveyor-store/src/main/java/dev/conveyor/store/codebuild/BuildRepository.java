package dev.conveyor.store.codebuild;

import dev.conveyor.store.Database;
import dev.conveyor.store.Page;
import dev.conveyor.store.jdbc.Columns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Builds by id, by project and by the pipeline action that ran them. A complete build (ended) is never changed
 * again, so a late progress report from an agent cannot undo a stop.
 */
public final class BuildRepository {
    private static final String COLUMNS = "id, arn, project_name, build_number, status, current_phase, initiator, "
            + "action_execution_id, job_id, document, started_at, ended_at";

    private final Database db;

    public BuildRepository(Database db) {
        this.db = db;
    }

    public void insert(BuildRow build) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO codebuild_build (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, build.id());
                s.setString(2, build.arn());
                s.setString(3, build.projectName());
                s.setLong(4, build.buildNumber());
                s.setString(5, build.status());
                s.setString(6, build.currentPhase());
                s.setString(7, build.initiator());
                s.setString(8, build.actionExecutionId());
                s.setString(9, build.jobId());
                s.setString(10, build.documentJson());
                Columns.setInstant(s, 11, build.startedAt());
                Columns.setInstant(s, 12, build.endedAt());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Replaces the build's state unless it is complete already; false when it was (or does not exist). */
    public boolean updateUnlessComplete(BuildRow build) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE codebuild_build SET status = ?, current_phase = ?, document = ?, "
                    + "ended_at = ? WHERE id = ? AND ended_at IS NULL")) {
                s.setString(1, build.status());
                s.setString(2, build.currentPhase());
                s.setString(3, build.documentJson());
                Columns.setInstant(s, 4, build.endedAt());
                s.setString(5, build.id());
                return s.executeUpdate() == 1;
            }
        });
    }

    public Optional<BuildRow> find(String id) {
        return db.read(c -> find(c, id));
    }

    private static Optional<BuildRow> find(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM codebuild_build WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    /** The builds of those ids that exist, in the order asked. */
    public List<BuildRow> findAll(Collection<String> ids) {
        return db.read(c -> {
            List<BuildRow> found = new ArrayList<>();
            for (String id : ids) {
                find(c, id).ifPresent(found::add);
            }
            return found;
        });
    }

    /** Builds that a pipeline action ran and that are not complete. */
    public List<BuildRow> incompleteOfAction(String actionExecutionId) {
        return db.read(c -> query(c, "SELECT " + COLUMNS + " FROM codebuild_build WHERE action_execution_id = ? AND ended_at IS NULL",
                actionExecutionId));
    }

    /** Every build that is not complete (what a server restart must settle). */
    public List<BuildRow> incomplete() {
        return db.read(c -> query(c, "SELECT " + COLUMNS + " FROM codebuild_build WHERE ended_at IS NULL", null));
    }

    /** Build ids, newest first (or oldest first), of all projects or of one. */
    public Page<String> ids(String projectName, boolean ascending, int max, String pageKey) {
        int offset = Paging.offset(pageKey);
        String order = Paging.direction(ascending);
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM codebuild_build"
                    + (projectName == null ? "" : " WHERE project_name = ?")
                    + " ORDER BY started_at " + order + ", build_number " + order + ", id " + order + " LIMIT ? OFFSET ?")) {
                int i = 1;
                if (projectName != null) {
                    s.setString(i++, projectName);
                }
                s.setInt(i++, max + 1);
                s.setInt(i, offset);
                List<String> ids = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getString(1));
                    }
                }
                return ids.size() > max ? new Page<>(List.copyOf(ids.subList(0, max)), Integer.toString(offset + max))
                        : new Page<>(ids, null);
            }
        });
    }

    private static List<BuildRow> query(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (param != null) {
                s.setString(1, param);
            }
            List<BuildRow> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(row(r));
                }
            }
            return rows;
        }
    }

    private static BuildRow row(ResultSet r) throws SQLException {
        return new BuildRow(r.getString("id"), r.getString("arn"), r.getString("project_name"), r.getLong("build_number"),
                r.getString("status"), r.getString("current_phase"), r.getString("initiator"), r.getString("action_execution_id"),
                r.getString("job_id"), r.getString("document"), Columns.instant(r, "started_at"), Columns.instant(r, "ended_at"));
    }
}
