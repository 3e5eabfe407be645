package dev.conveyor.store.source;

import dev.conveyor.store.Database;
import dev.conveyor.store.StoreException;
import dev.conveyor.store.jdbc.Columns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The last revision seen or put for each source action. {@link #advance} is a compare-and-set, so of several
 * replicas seeing the same change only one moves the revision on.
 */
public final class SourceRevisionRepository {
    private static final String COLUMNS = "pipeline_name, action_name, kind, source_key, revision, change_id, revision_at, seen_at";

    private final Database db;

    public SourceRevisionRepository(Database db) {
        this.db = db;
    }

    public Optional<SourceRevisionRow> find(String pipelineName, String actionName, String kind) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM source_revision "
                    + "WHERE pipeline_name = ? AND action_name = ? AND kind = ?")) {
                s.setString(1, pipelineName);
                s.setString(2, actionName);
                s.setString(3, kind);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(new SourceRevisionRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5), r.getString(6), Columns.instant(r, "revision_at"), Columns.instant(r, "seen_at"))) : Optional.empty();
                }
            }
        });
    }

    /**
     * Moves the action's revision from {@code expected} (null: there is no row yet) to {@code next}. Returns false
     * when another writer got there first (the row is not at {@code expected}), or the pipeline no longer exists.
     */
    public boolean advance(SourceRevisionRow expected, SourceRevisionRow next) {
        try {
            return db.inTransaction(c -> expected == null ? insert(c, next) : update(c, expected, next));
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql && (StoreException.isUniqueViolation(sql) || "23503".equals(sql.getSQLState())
                    || "23506".equals(sql.getSQLState()))) {
                return false; // a concurrent first insert, or the pipeline was deleted meanwhile
            }
            throw e;
        }
    }

    private static boolean insert(Connection c, SourceRevisionRow row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO source_revision (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, row.pipelineName());
            s.setString(2, row.actionName());
            s.setString(3, row.kind());
            s.setString(4, row.sourceKey());
            s.setString(5, row.revision());
            s.setString(6, row.changeId());
            Columns.setInstant(s, 7, row.revisionAt());
            Columns.setInstant(s, 8, row.seenAt());
            return s.executeUpdate() > 0;
        }
    }

    private static boolean update(Connection c, SourceRevisionRow expected, SourceRevisionRow next) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE source_revision SET source_key = ?, revision = ?, change_id = ?, "
                + "revision_at = ?, seen_at = ? WHERE pipeline_name = ? AND action_name = ? AND kind = ? AND source_key = ? AND revision = ?")) {
            s.setString(1, next.sourceKey());
            s.setString(2, next.revision());
            s.setString(3, next.changeId());
            Columns.setInstant(s, 4, next.revisionAt());
            Columns.setInstant(s, 5, next.seenAt());
            s.setString(6, expected.pipelineName());
            s.setString(7, expected.actionName());
            s.setString(8, expected.kind());
            s.setString(9, expected.sourceKey());
            s.setString(10, expected.revision());
            return s.executeUpdate() > 0;
        }
    }
}
