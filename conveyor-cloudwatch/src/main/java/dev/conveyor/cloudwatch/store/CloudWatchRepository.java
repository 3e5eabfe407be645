package dev.conveyor.cloudwatch.store;

import dev.conveyor.cloudwatch.evaluation.Sample;
import dev.conveyor.store.Database;
import dev.conveyor.store.jdbc.Queries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Alarms, metric data and alarm history. State changes run under the alarm's row lock ({@link #withAlarm}), so an
 * evaluation on new data, one on the timer and a SetAlarmState never interleave; the timer claims due alarms with a
 * conditional update, so several servers on one database evaluate each alarm once.
 */
public final class CloudWatchRepository {
    private static final String COLUMNS = "name, definition, namespace, metric_name, dimensions, state_value, state_reason, "
            + "state_reason_data, state_updated, state_transitioned, configuration_updated, next_evaluation";

    private final Database db;

    public CloudWatchRepository(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    /** Work on one alarm under its row lock, inside a transaction; {@code work} gets null when there is no such alarm. */
    @FunctionalInterface
    public interface AlarmWork<T> {
        T run(Connection c, AlarmRow alarm) throws SQLException;
    }

    public <T> T withAlarm(String name, AlarmWork<T> work) {
        return db.inTransaction(c -> work.run(c, Queries.first(c, "SELECT " + COLUMNS + " FROM cw_alarm WHERE name = ? FOR UPDATE",
                CloudWatchRepository::alarm, name).orElse(null)));
    }

    public void insert(Connection c, AlarmRow row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO cw_alarm (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(s, row, 1);
            s.executeUpdate();
        }
    }

    /** Rewrites every column of the alarm {@code row} names. */
    public void update(Connection c, AlarmRow row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE cw_alarm SET name = ?, definition = ?, namespace = ?, metric_name = ?, "
                + "dimensions = ?, state_value = ?, state_reason = ?, state_reason_data = ?, state_updated = ?, state_transitioned = ?, "
                + "configuration_updated = ?, next_evaluation = ? WHERE name = ?")) {
            bind(s, row, 1);
            s.setString(13, row.name());
            s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, AlarmRow row, int from) throws SQLException {
        s.setString(from, row.name());
        s.setString(from + 1, row.definition());
        s.setString(from + 2, row.namespace());
        s.setString(from + 3, row.metricName());
        s.setString(from + 4, row.dimensions());
        s.setString(from + 5, row.stateValue());
        s.setString(from + 6, row.stateReason());
        if (row.stateReasonData() == null) {
            s.setNull(from + 7, Types.VARCHAR);
        } else {
            s.setString(from + 7, row.stateReasonData());
        }
        s.setLong(from + 8, row.stateUpdated().toEpochMilli());
        s.setLong(from + 9, row.stateTransitioned().toEpochMilli());
        s.setLong(from + 10, row.configurationUpdated().toEpochMilli());
        s.setLong(from + 11, row.nextEvaluation().toEpochMilli());
    }

    public Optional<AlarmRow> find(String name) {
        return db.read(c -> Queries.first(c, "SELECT " + COLUMNS + " FROM cw_alarm WHERE name = ?", CloudWatchRepository::alarm, name));
    }

    /**
     * Up to {@code limit} alarms in name order after {@code afterName} (exclusive, when given), filtered by exact names,
     * a name prefix and a state (each when given).
     */
    public List<AlarmRow> list(String afterName, Collection<String> names, String prefix, String stateValue, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM cw_alarm WHERE name > ?");
        List<String> params = new ArrayList<>();
        params.add(afterName == null ? "" : afterName);
        if (names != null && !names.isEmpty()) {
            sql.append(" AND name IN (").append(String.join(", ", java.util.Collections.nCopies(names.size(), "?"))).append(")");
            params.addAll(names);
        }
        if (prefix != null) {
            sql.append(" AND SUBSTRING(name, 1, ").append(prefix.length()).append(") = ?");
            params.add(prefix);
        }
        if (stateValue != null) {
            sql.append(" AND state_value = ?");
            params.add(stateValue);
        }
        sql.append(" ORDER BY name LIMIT ").append(limit);
        return db.read(c -> Queries.list(c, sql.toString(), CloudWatchRepository::alarm, params.toArray(String[]::new)));
    }

    /** The names of every existing alarm among {@code names}. */
    public List<String> existing(Connection c, Collection<String> names) throws SQLException {
        if (names.isEmpty()) {
            return List.of();
        }
        return Queries.list(c, "SELECT name FROM cw_alarm WHERE name IN (" + String.join(", ", java.util.Collections.nCopies(names.size(), "?"))
                + ") FOR UPDATE", r -> r.getString(1), names.toArray(String[]::new));
    }

    public void delete(Connection c, Collection<String> names) throws SQLException {
        for (String name : names) {
            Queries.update(c, "DELETE FROM cw_alarm WHERE name = ?", name);
        }
    }

    /** The names of the alarms on this metric (dimensions canonical). */
    public List<String> alarmsOn(String namespace, String metricName, String dimensions) {
        return db.read(c -> Queries.list(c, "SELECT name FROM cw_alarm WHERE namespace = ? AND metric_name = ? AND dimensions = ?",
                r -> r.getString(1), namespace, metricName, dimensions));
    }

    /** The alarms whose timed evaluation is due at {@code now}, with the time it was due (to claim it). */
    public List<AlarmRow> due(Instant now, int limit) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM cw_alarm WHERE next_evaluation <= ? "
                    + "ORDER BY next_evaluation LIMIT ?")) {
                s.setLong(1, now.toEpochMilli());
                s.setInt(2, limit);
                return Queries.list(s, CloudWatchRepository::alarm);
            }
        });
    }

    /** Moves an alarm's next evaluation from {@code expected} to {@code next}; false when another evaluator did first. */
    public boolean claim(String name, Instant expected, Instant next) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE cw_alarm SET next_evaluation = ? WHERE name = ? AND next_evaluation = ?")) {
                s.setLong(1, next.toEpochMilli());
                s.setString(2, name);
                s.setLong(3, expected.toEpochMilli());
                return s.executeUpdate() == 1;
            }
        });
    }

    public void insertData(List<DatumRow> data) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO cw_metric_datum (namespace, metric_name, dimensions, at_millis, unit, "
                    + "sample_count, sum_value, minimum, maximum, raw_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (DatumRow d : data) {
                    s.setString(1, d.namespace());
                    s.setString(2, d.metricName());
                    s.setString(3, d.dimensions());
                    s.setLong(4, d.sample().at().toEpochMilli());
                    s.setString(5, d.unit());
                    s.setDouble(6, d.sample().count());
                    s.setDouble(7, d.sample().sum());
                    s.setDouble(8, d.sample().minimum());
                    s.setDouble(9, d.sample().maximum());
                    s.setBoolean(10, d.sample().raw());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    /** The samples of a metric from {@code from} (inclusive), of one unit when {@code unit} is given. */
    public List<Sample> samples(Connection c, String namespace, String metricName, String dimensions, String unit, Instant from)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT at_millis, sample_count, sum_value, minimum, maximum, raw_values "
                + "FROM cw_metric_datum WHERE namespace = ? AND metric_name = ? AND dimensions = ? AND at_millis >= ?"
                + (unit == null ? "" : " AND unit = ?"))) {
            s.setString(1, namespace);
            s.setString(2, metricName);
            s.setString(3, dimensions);
            s.setLong(4, from.toEpochMilli());
            if (unit != null) {
                s.setString(5, unit);
            }
            return Queries.list(s, r -> new Sample(Instant.ofEpochMilli(r.getLong(1)), r.getDouble(2), r.getDouble(3), r.getDouble(4),
                    r.getDouble(5), r.getBoolean(6)));
        }
    }

    /** Removes metric data older than {@code before}; returns how many rows. */
    public int pruneData(Instant before) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM cw_metric_datum WHERE at_millis < ?")) {
                s.setLong(1, before.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    public void addHistory(Connection c, String alarmName, Instant at, String itemType, String summary, String data) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO cw_alarm_history (alarm_name, at_millis, item_type, summary, history_data) "
                + "VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, alarmName);
            s.setLong(2, at.toEpochMilli());
            s.setString(3, itemType);
            s.setString(4, summary.length() > 255 ? summary.substring(0, 255) : summary);
            s.setString(5, data);
            s.executeUpdate();
        }
    }

    /**
     * Up to {@code limit} history items, newest first unless {@code ascending}, after the item {@code afterId} in that
     * order, filtered by alarm name, item type and time range (each when given).
     */
    public List<HistoryRow> history(String alarmName, String itemType, Instant start, Instant end, boolean ascending, Long afterId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, alarm_name, at_millis, item_type, summary, history_data FROM cw_alarm_history WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (alarmName != null) {
            sql.append(" AND alarm_name = ?");
            params.add(alarmName);
        }
        if (itemType != null) {
            sql.append(" AND item_type = ?");
            params.add(itemType);
        }
        if (start != null) {
            sql.append(" AND at_millis >= ?");
            params.add(start.toEpochMilli());
        }
        if (end != null) {
            sql.append(" AND at_millis <= ?");
            params.add(end.toEpochMilli());
        }
        if (afterId != null) {
            sql.append(ascending ? " AND id > ?" : " AND id < ?");
            params.add(afterId);
        }
        sql.append(" ORDER BY id ").append(ascending ? "ASC" : "DESC").append(" LIMIT ").append(limit);
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    s.setObject(i + 1, params.get(i));
                }
                return Queries.list(s, r -> new HistoryRow(r.getLong(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)), r.getString(4),
                        r.getString(5), r.getString(6)));
            }
        });
    }

    private static AlarmRow alarm(ResultSet r) throws SQLException {
        return new AlarmRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7),
                r.getString(8), Instant.ofEpochMilli(r.getLong(9)), Instant.ofEpochMilli(r.getLong(10)), Instant.ofEpochMilli(r.getLong(11)),
                Instant.ofEpochMilli(r.getLong(12)));
    }
}
