package dev.conveyor.events.notifications;

import dev.conveyor.store.jdbc.Queries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The notification rule table. */
public final class NotificationRules {
    private static final String COLUMNS = "arn, name, resource, detail_type, event_type_ids, targets, status, tags, created_by, created_at, updated_at";

    public Optional<NotificationRuleRow> find(Connection c, String arn) throws SQLException {
        return Queries.first(c, "SELECT " + COLUMNS + " FROM notification_rule WHERE arn = ?", NotificationRules::row, arn);
    }

    public Optional<NotificationRuleRow> byName(Connection c, String name) throws SQLException {
        return Queries.first(c, "SELECT " + COLUMNS + " FROM notification_rule WHERE name = ?", NotificationRules::row, name);
    }

    public List<NotificationRuleRow> all(Connection c) throws SQLException {
        return Queries.list(c, "SELECT " + COLUMNS + " FROM notification_rule ORDER BY created_at, arn", NotificationRules::row);
    }

    public List<NotificationRuleRow> forResource(Connection c, String resource) throws SQLException {
        return Queries.list(c, "SELECT " + COLUMNS + " FROM notification_rule WHERE resource = ? AND status = 'ENABLED' ORDER BY arn",
                NotificationRules::row, resource);
    }

    public void insert(Connection c, NotificationRuleRow r) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO notification_rule (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(s, r);
            s.executeUpdate();
        }
    }

    public void update(Connection c, NotificationRuleRow r) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE notification_rule SET arn = ?, name = ?, resource = ?, detail_type = ?, "
                + "event_type_ids = ?, targets = ?, status = ?, tags = ?, created_by = ?, created_at = ?, updated_at = ? WHERE arn = ?")) {
            bind(s, r);
            s.setString(12, r.arn());
            s.executeUpdate();
        }
    }

    public void delete(Connection c, String arn) throws SQLException {
        Queries.update(c, "DELETE FROM notification_rule WHERE arn = ?", arn);
    }

    private static void bind(PreparedStatement s, NotificationRuleRow r) throws SQLException {
        s.setString(1, r.arn());
        s.setString(2, r.name());
        s.setString(3, r.resource());
        s.setString(4, r.detailType());
        s.setString(5, r.eventTypeIds());
        s.setString(6, r.targets());
        s.setString(7, r.status());
        s.setString(8, r.tags());
        s.setString(9, r.createdBy());
        s.setLong(10, r.createdAt().toEpochMilli());
        s.setLong(11, r.updatedAt().toEpochMilli());
    }

    private static NotificationRuleRow row(ResultSet r) throws SQLException {
        return new NotificationRuleRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                r.getString(7), r.getString(8), r.getString(9), Instant.ofEpochMilli(r.getLong(10)), Instant.ofEpochMilli(r.getLong(11)));
    }
}
