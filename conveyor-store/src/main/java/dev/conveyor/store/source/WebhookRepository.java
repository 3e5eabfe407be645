package dev.conveyor.store.source;

import dev.conveyor.store.Database;
import dev.conveyor.store.Page;
import dev.conveyor.store.jdbc.Columns;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Webhooks by name, and by the token in their URL. PutWebhook of an existing name replaces its definition. */
public final class WebhookRepository {
    private static final String COLUMNS = "name, arn, url_token, pipeline_name, action_name, definition, registered, "
            + "last_triggered_at, error_code, error_message, created_at";

    private final Database db;

    public WebhookRepository(Database db) {
        this.db = db;
    }

    /**
     * Creates the webhook, or replaces the definition of the one of that name (keeping its URL, ARN and
     * registration). Returns the stored row.
     */
    public WebhookRow put(WebhookRow webhook) {
        return db.inTransaction(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE webhook SET pipeline_name = ?, action_name = ?, definition = ?, "
                    + "error_code = NULL, error_message = NULL WHERE name = ?")) {
                u.setString(1, webhook.pipelineName());
                u.setString(2, webhook.actionName());
                u.setString(3, webhook.definitionJson());
                u.setString(4, webhook.name());
                if (u.executeUpdate() == 0) {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO webhook (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        s.setString(1, webhook.name());
                        s.setString(2, webhook.arn());
                        s.setString(3, webhook.urlToken());
                        s.setString(4, webhook.pipelineName());
                        s.setString(5, webhook.actionName());
                        s.setString(6, webhook.definitionJson());
                        s.setBoolean(7, webhook.registered());
                        Columns.setInstant(s, 8, webhook.lastTriggeredAt());
                        s.setString(9, webhook.errorCode());
                        s.setString(10, webhook.errorMessage());
                        Columns.setInstant(s, 11, webhook.createdAt());
                        s.executeUpdate();
                    }
                }
            }
            return find(c, "name", webhook.name()).orElseThrow();
        });
    }

    public Optional<WebhookRow> find(String name) {
        return db.read(c -> find(c, "name", name));
    }

    public Optional<WebhookRow> findByUrlToken(String token) {
        return db.read(c -> find(c, "url_token", token));
    }

    private static Optional<WebhookRow> find(java.sql.Connection c, String column, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM webhook WHERE " + column + " = ?")) {
            s.setString(1, value);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    /** Webhooks in name order, after {@code afterName} (null for the first page). */
    public Page<WebhookRow> list(int max, String afterName) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM webhook"
                    + (afterName == null ? "" : " WHERE name > ?") + " ORDER BY name LIMIT ?")) {
                int i = 1;
                if (afterName != null) {
                    s.setString(i++, afterName);
                }
                s.setInt(i, max + 1);
                List<WebhookRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(row(r));
                    }
                }
                if (rows.size() > max) {
                    List<WebhookRow> page = List.copyOf(rows.subList(0, max));
                    return new Page<>(page, page.getLast().name());
                }
                return new Page<>(rows, null);
            }
        });
    }

    public boolean delete(String name) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM webhook WHERE name = ?")) {
                s.setString(1, name);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Marks the webhook registered with (or deregistered from) its third party; false when there is none. */
    public boolean setRegistered(String name, boolean registered) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE webhook SET registered = ? WHERE name = ?")) {
                s.setBoolean(1, registered);
                s.setString(2, name);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Records a delivery: when it last started the pipeline, or why the last delivery failed (null: it did not). */
    public void recordDelivery(String name, Instant triggeredAt, String errorCode, String errorMessage) {
        db.inTransaction(c -> {
            String sql = triggeredAt != null
                    ? "UPDATE webhook SET last_triggered_at = ?, error_code = ?, error_message = ? WHERE name = ?"
                    : "UPDATE webhook SET error_code = ?, error_message = ? WHERE name = ?";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                if (triggeredAt != null) {
                    Columns.setInstant(s, i++, triggeredAt);
                }
                s.setString(i++, errorCode);
                s.setString(i++, errorMessage == null ? null : errorMessage.substring(0, Math.min(1000, errorMessage.length())));
                s.setString(i, name);
                s.executeUpdate();
            }
            return null;
        });
    }

    private static WebhookRow row(ResultSet r) throws SQLException {
        return new WebhookRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                r.getBoolean(7), Columns.instant(r, "last_triggered_at"), r.getString(9), r.getString(10), Columns.instant(r, "created_at"));
    }
}
