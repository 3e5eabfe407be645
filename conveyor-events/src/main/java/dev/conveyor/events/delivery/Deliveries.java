package dev.conveyor.events.delivery;

import dev.conveyor.store.jdbc.Queries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The delivery table. */
public final class Deliveries {
    private static final String COLUMNS = "id, outbox_seq, event_id, subscriber_id, lane, kind, endpoint, payload, attributes, status, "
            + "attempts, next_attempt_at, last_error, created_at, delivered_at";

    /** Adds a delivery unless this subscriber already has one for this event (once per subscriber); true when added. */
    public boolean add(Connection c, DeliveryRow d) throws SQLException {
        if (Queries.first(c, "SELECT 1 FROM event_delivery WHERE event_id = ? AND subscriber_id = ?", r -> 1, d.eventId(),
                d.subscriberId()).isPresent()) {
            return false;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO event_delivery (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, d.id());
            s.setLong(2, d.outboxSeq());
            s.setString(3, d.eventId());
            s.setString(4, d.subscriberId());
            s.setString(5, d.lane());
            s.setString(6, d.kind());
            s.setString(7, d.endpoint());
            s.setString(8, d.payload());
            s.setString(9, d.attributes());
            s.setString(10, d.status());
            s.setInt(11, d.attempts());
            s.setLong(12, d.nextAttemptAt().toEpochMilli());
            s.setString(13, d.lastError());
            s.setLong(14, d.createdAt().toEpochMilli());
            if (d.deliveredAt() == null) {
                s.setNull(15, java.sql.Types.BIGINT);
            } else {
                s.setLong(15, d.deliveredAt().toEpochMilli());
            }
            s.executeUpdate();
        }
        return true;
    }

    /** The first pending delivery of every lane whose turn has come (older pending deliveries of a lane go first). */
    public List<DeliveryRow> due(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM event_delivery d WHERE d.status = 'Pending' "
                + "AND d.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM event_delivery e WHERE e.lane = d.lane "
                + "AND e.status = 'Pending' AND (e.outbox_seq < d.outbox_seq OR (e.outbox_seq = d.outbox_seq AND e.created_at < d.created_at))) "
                + "ORDER BY d.outbox_seq, d.created_at LIMIT ?")) {
            s.setLong(1, now.toEpochMilli());
            s.setInt(2, limit);
            return Queries.list(s, Deliveries::row);
        }
    }

    /** When the next pending delivery falls due, or null when none is pending. */
    public Instant nextDue(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT MIN(next_attempt_at) FROM event_delivery WHERE status = 'Pending'");
             ResultSet r = s.executeQuery()) {
            if (r.next()) {
                long v = r.getLong(1);
                return r.wasNull() ? null : Instant.ofEpochMilli(v);
            }
            return null;
        }
    }

    /**
     * Whether a delivery read as pending after {@code attempts} attempts still is: no attempt has settled it or been
     * recorded since (an attempt started from an older read would send it twice).
     */
    public boolean stillPending(Connection c, String id, int attempts) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM event_delivery WHERE id = ? AND status = 'Pending' AND attempts = ?")) {
            s.setString(1, id);
            s.setInt(2, attempts);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    public void delivered(Connection c, String id, int attempts, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE event_delivery SET status = 'Delivered', attempts = ?, delivered_at = ?, "
                + "last_error = NULL WHERE id = ? AND status = 'Pending'")) {
            s.setInt(1, attempts);
            s.setLong(2, now.toEpochMilli());
            s.setString(3, id);
            s.executeUpdate();
        }
    }

    /** A failed attempt: tried again at {@code next}, or dead-lettered when {@code next} is null. */
    public void failed(Connection c, String id, int attempts, String error, Instant next) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE event_delivery SET status = ?, attempts = ?, last_error = ?, "
                + "next_attempt_at = ? WHERE id = ? AND status = 'Pending'")) {
            s.setString(1, next == null ? DeliveryRow.DEAD : DeliveryRow.PENDING);
            s.setInt(2, attempts);
            s.setString(3, error.length() > 2000 ? error.substring(0, 2000) : error);
            s.setLong(4, next == null ? 0 : next.toEpochMilli());
            s.setString(5, id);
            s.executeUpdate();
        }
    }

    /** Dead-lettered deliveries, newest first. */
    public List<DeliveryRow> dead(Connection c, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM event_delivery WHERE status = 'Dead' "
                + "ORDER BY outbox_seq DESC LIMIT ?")) {
            s.setInt(1, limit);
            return Queries.list(s, Deliveries::row);
        }
    }

    /** Puts a dead-lettered delivery back in its lane, due now; false when there is no such dead letter. */
    public boolean redrive(Connection c, String id, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE event_delivery SET status = 'Pending', attempts = 0, next_attempt_at = ? "
                + "WHERE id = ? AND status = 'Dead'")) {
            s.setLong(1, now.toEpochMilli());
            s.setString(2, id);
            return s.executeUpdate() == 1;
        }
    }

    /** Removes deliveries that were delivered before {@code before} (dead letters stay until redriven). */
    public int purgeDelivered(Connection c, Instant before) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM event_delivery WHERE status = 'Delivered' AND delivered_at < ?")) {
            s.setLong(1, before.toEpochMilli());
            return s.executeUpdate();
        }
    }

    public List<DeliveryRow> ofSubscriber(Connection c, String subscriberId) throws SQLException {
        return Queries.list(c, "SELECT " + COLUMNS + " FROM event_delivery WHERE subscriber_id = ? ORDER BY outbox_seq",
                Deliveries::row, subscriberId);
    }

    private static DeliveryRow row(ResultSet r) throws SQLException {
        long delivered = r.getLong("delivered_at");
        Instant deliveredAt = r.wasNull() ? null : Instant.ofEpochMilli(delivered);
        return new DeliveryRow(r.getString("id"), r.getLong("outbox_seq"), r.getString("event_id"), r.getString("subscriber_id"),
                r.getString("lane"), r.getString("kind"), r.getString("endpoint"), r.getString("payload"), r.getString("attributes"),
                r.getString("status"), r.getInt("attempts"), Instant.ofEpochMilli(r.getLong("next_attempt_at")), r.getString("last_error"),
                Instant.ofEpochMilli(r.getLong("created_at")), deliveredAt);
    }
}
