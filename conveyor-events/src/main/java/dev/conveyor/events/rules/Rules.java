package dev.conveyor.events.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.events.Json;
import dev.conveyor.store.jdbc.Queries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Rules and their targets. */
public final class Rules {
    private static final String COLUMNS = "name, arn, event_pattern, schedule_expression, state, description, role_arn, created_at, last_fired_at";

    public Optional<RuleRow> find(Connection c, String name) throws SQLException {
        return Queries.first(c, "SELECT " + COLUMNS + " FROM eventbridge_rule WHERE name = ?", Rules::row, name);
    }

    public List<RuleRow> list(Connection c, String prefix) throws SQLException {
        return Queries.list(c, "SELECT " + COLUMNS + " FROM eventbridge_rule WHERE name LIKE ? ORDER BY name", Rules::row,
                (prefix == null ? "" : prefix.replace("%", "\\%").replace("_", "\\_")) + "%");
    }

    public List<RuleRow> enabled(Connection c) throws SQLException {
        return Queries.list(c, "SELECT " + COLUMNS + " FROM eventbridge_rule WHERE state = 'ENABLED' ORDER BY name", Rules::row);
    }

    /** Creates or replaces a rule (PutRule); the creation time and last firing survive a replace. */
    public void put(Connection c, RuleRow rule) throws SQLException {
        boolean exists = find(c, rule.name()).isPresent();
        String sql = exists
                ? "UPDATE eventbridge_rule SET arn = ?, event_pattern = ?, schedule_expression = ?, state = ?, description = ?, role_arn = ? WHERE name = ?"
                : "INSERT INTO eventbridge_rule (arn, event_pattern, schedule_expression, state, description, role_arn, name, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, rule.arn());
            s.setString(2, rule.eventPattern());
            s.setString(3, rule.scheduleExpression());
            s.setString(4, rule.state());
            s.setString(5, rule.description());
            s.setString(6, rule.roleArn());
            s.setString(7, rule.name());
            if (!exists) {
                s.setLong(8, rule.createdAt().toEpochMilli());
            }
            s.executeUpdate();
        }
    }

    public void setState(Connection c, String name, String state) throws SQLException {
        Queries.update(c, "UPDATE eventbridge_rule SET state = ? WHERE name = ?", state, name);
    }

    public void delete(Connection c, String name) throws SQLException {
        Queries.update(c, "DELETE FROM eventbridge_target WHERE rule_name = ?", name);
        Queries.update(c, "DELETE FROM eventbridge_rule WHERE name = ?", name);
    }

    /** Records a schedule's firing at {@code due}; false when it was recorded already (another replica fired it). */
    public boolean fired(Connection c, String name, Instant due) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE eventbridge_rule SET last_fired_at = ? WHERE name = ? "
                + "AND (last_fired_at IS NULL OR last_fired_at < ?)")) {
            s.setLong(1, due.toEpochMilli());
            s.setString(2, name);
            s.setLong(3, due.toEpochMilli());
            return s.executeUpdate() == 1;
        }
    }

    // ---- targets

    public List<JsonNode> targets(Connection c, String ruleName) throws SQLException {
        return Queries.list(c, "SELECT definition FROM eventbridge_target WHERE rule_name = ? ORDER BY target_id",
                r -> Json.read(r.getString(1)), ruleName);
    }

    public void putTarget(Connection c, String ruleName, String id, JsonNode definition) throws SQLException {
        Queries.update(c, "DELETE FROM eventbridge_target WHERE rule_name = ? AND target_id = ?", ruleName, id);
        Queries.update(c, "INSERT INTO eventbridge_target (rule_name, target_id, definition) VALUES (?, ?, ?)", ruleName, id,
                Json.write(definition));
    }

    public boolean removeTarget(Connection c, String ruleName, String id) throws SQLException {
        return Queries.update(c, "DELETE FROM eventbridge_target WHERE rule_name = ? AND target_id = ?", ruleName, id) == 1;
    }

    private static RuleRow row(ResultSet r) throws SQLException {
        long fired = r.getLong("last_fired_at");
        Instant lastFired = r.wasNull() ? null : Instant.ofEpochMilli(fired);
        return new RuleRow(r.getString("name"), r.getString("arn"), r.getString("event_pattern"), r.getString("schedule_expression"),
                r.getString("state"), r.getString("description"), r.getString("role_arn"), Instant.ofEpochMilli(r.getLong("created_at")),
                lastFired);
    }

    static void setNullableLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, v);
        }
    }
}
