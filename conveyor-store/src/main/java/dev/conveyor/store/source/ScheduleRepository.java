package dev.conveyor.store.source;

import dev.conveyor.store.Database;
import dev.conveyor.store.StoreException;
import dev.conveyor.store.jdbc.Columns;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Pipeline schedules. The declared schedules are read from pipeline tags ({@link #declared}); the rows here hold
 * when each fires next, moved forward by {@link #advance} (compare-and-set on the fire time).
 */
public final class ScheduleRepository {
    private static final String COLUMNS = "pipeline_name, expression, time_zone, next_fire_at, last_fired_at, last_execution_id";

    private final Database db;

    public ScheduleRepository(Database db) {
        this.db = db;
    }

    /** A schedule as declared on a pipeline: the value of its expression tag and of its time-zone tag (or null). */
    public record Declared(String pipelineName, String expression, String timeZone) {
    }

    /** Every pipeline that has the tag {@code expressionKey}, with the value of {@code timeZoneKey} if it has it. */
    public List<Declared> declared(String expressionKey, String timeZoneKey) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT p.name, e.tag_value, z.tag_value FROM pipeline p "
                    + "JOIN resource_tag e ON e.resource_arn = p.arn AND e.tag_key = ? "
                    + "LEFT JOIN resource_tag z ON z.resource_arn = p.arn AND z.tag_key = ? ORDER BY p.name")) {
                s.setString(1, expressionKey);
                s.setString(2, timeZoneKey);
                List<Declared> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new Declared(r.getString(1), r.getString(2), r.getString(3)));
                    }
                }
                return rows;
            }
        });
    }

    public List<ScheduleRow> all() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM pipeline_schedule ORDER BY pipeline_name");
                 ResultSet r = s.executeQuery()) {
                List<ScheduleRow> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(row(r));
                }
                return rows;
            }
        });
    }

    public java.util.Optional<ScheduleRow> find(String pipelineName) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM pipeline_schedule WHERE pipeline_name = ?")) {
                s.setString(1, pipelineName);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? java.util.Optional.of(row(r)) : java.util.Optional.empty();
                }
            }
        });
    }

    /** Writes a schedule (a new one, or a changed expression): its next fire time starts over. */
    public void put(ScheduleRow schedule) {
        try {
            db.inTransaction(c -> {
                try (PreparedStatement u = c.prepareStatement("UPDATE pipeline_schedule SET expression = ?, time_zone = ?, next_fire_at = ? "
                        + "WHERE pipeline_name = ?")) {
                    u.setString(1, schedule.expression());
                    u.setString(2, schedule.timeZone());
                    Columns.setInstant(u, 3, schedule.nextFireAt());
                    u.setString(4, schedule.pipelineName());
                    if (u.executeUpdate() > 0) {
                        return null;
                    }
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO pipeline_schedule (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                    s.setString(1, schedule.pipelineName());
                    s.setString(2, schedule.expression());
                    s.setString(3, schedule.timeZone());
                    Columns.setInstant(s, 4, schedule.nextFireAt());
                    Columns.setInstant(s, 5, schedule.lastFiredAt());
                    s.setString(6, schedule.lastExecutionId());
                    s.executeUpdate();
                }
                return null;
            });
        } catch (StoreException e) {
            if (!(e.getCause() instanceof SQLException sql && (StoreException.isUniqueViolation(sql) || "23503".equals(sql.getSQLState())
                    || "23506".equals(sql.getSQLState())))) {
                throw e; // else: another replica wrote it first, or the pipeline was just deleted
            }
        }
    }

    /**
     * Records that the occurrence at {@code firedAt} ran (as {@code executionId}) and the next is at {@code next};
     * false when the schedule is no longer at {@code firedAt} (another replica fired it, or it changed).
     */
    public boolean advance(String pipelineName, Instant firedAt, Instant next, String executionId) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE pipeline_schedule SET next_fire_at = ?, last_fired_at = ?, "
                    + "last_execution_id = ? WHERE pipeline_name = ? AND next_fire_at = ?")) {
                Columns.setInstant(s, 1, next);
                Columns.setInstant(s, 2, firedAt);
                s.setString(3, executionId);
                s.setString(4, pipelineName);
                Columns.setInstant(s, 5, firedAt);
                return s.executeUpdate() > 0;
            }
        });
    }

    public void delete(String pipelineName) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM pipeline_schedule WHERE pipeline_name = ?")) {
                s.setString(1, pipelineName);
                s.executeUpdate();
            }
            return null;
        });
    }

    private static ScheduleRow row(ResultSet r) throws SQLException {
        return new ScheduleRow(r.getString(1), r.getString(2), r.getString(3), Columns.instant(r, "next_fire_at"),
                Columns.instant(r, "last_fired_at"), r.getString(6));
    }
}
