package dev.conveyor.events.outbox;

import dev.conveyor.store.jdbc.Queries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The outbox table: rows are added inside the transaction of the change they report. With a {@link Routing}, a row is
 * routed in that same transaction (its deliveries written beside it and the row written routed); without one, or when
 * routing it failed, the dispatcher routes it once after commit.
 */
public final class Outbox {
    private static final String COLUMNS = "seq, event_id, kind, pipeline_name, execution_id, detail_type, topic_arn, subject, body, created_at";

    /**
     * Expands a row into its deliveries inside its writer's transaction. Routing there rather than in the dispatcher's
     * own transaction after commit saves a commit and a rewrite of the row per event (issue 20: a third of a no-op
     * action's writes on the embedded database); the rules and subscriptions it reads are the ones committed when the
     * row is written, as the dispatcher's would be when it routes at once.
     */
    @FunctionalInterface
    public interface Routing {
        /** Writes {@code row}'s deliveries; false leaves the row for the dispatcher (routing it failed here). */
        boolean route(Connection c, OutboxRow row) throws SQLException;
    }

    private final Routing routing;

    /** An outbox whose rows the dispatcher routes after commit. */
    public Outbox() {
        this(null);
    }

    /** An outbox whose rows are routed as they are written ({@code routing} null: by the dispatcher after commit). */
    public Outbox(Routing routing) {
        this.routing = routing;
    }

    /** Adds an event or a message; {@code seq} is assigned by the database. */
    public void add(Connection c, String eventId, String kind, String pipelineName, String executionId, String detailType,
                    String topicArn, String subject, String body, Instant now) throws SQLException {
        long seq;
        try (PreparedStatement s = c.prepareStatement("INSERT INTO event_outbox (event_id, kind, pipeline_name, execution_id, "
                + "detail_type, topic_arn, subject, body, created_at, routed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"seq"})) {
            s.setString(1, eventId);
            s.setString(2, kind);
            s.setString(3, pipelineName);
            s.setString(4, executionId);
            s.setString(5, detailType);
            s.setString(6, topicArn);
            s.setString(7, subject);
            s.setString(8, body);
            s.setLong(9, now.toEpochMilli());
            s.setBoolean(10, routing != null);
            s.executeUpdate();
            if (routing == null) {
                return;
            }
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                seq = keys.getLong(1);
            }
        }
        OutboxRow row = new OutboxRow(seq, eventId, kind, pipelineName, executionId, detailType, topicArn, subject, body, now);
        if (!routing.route(c, row)) {
            try (PreparedStatement s = c.prepareStatement("UPDATE event_outbox SET routed = FALSE WHERE seq = ?")) {
                s.setLong(1, seq);
                s.executeUpdate();
            }
        }
    }

    /** The oldest rows not routed yet, in seq order, locked for routing (a second replica skips them). */
    public List<OutboxRow> unrouted(Connection c, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM event_outbox WHERE routed = FALSE ORDER BY seq LIMIT ?")) {
            s.setInt(1, limit);
            return Queries.list(s, Outbox::row);
        }
    }

    public void markRouted(Connection c, long seq) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE event_outbox SET routed = TRUE WHERE seq = ?")) {
            s.setLong(1, seq);
            s.executeUpdate();
        }
    }

    /**
     * A pipeline's events after {@code afterSeq}, oldest first (optionally of one execution only): what a live stream
     * sends, and resumes from with Last-Event-ID.
     */
    public List<OutboxRow> eventsOf(Connection c, String pipelineName, String executionId, long afterSeq, int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM event_outbox WHERE kind = 'EVENT' AND seq > ?" + filter(pipelineName, executionId)
                + " ORDER BY seq LIMIT ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = bind(s, 1, afterSeq, pipelineName, executionId);
            s.setInt(i, limit);
            return Queries.list(s, Outbox::row);
        }
    }

    /**
     * The seq of the last event of the pipeline (of one execution when given; of every pipeline when
     * {@code pipelineName} is null), 0 if none: where a stream that wants only what comes next starts.
     */
    public long lastSeqOf(Connection c, String pipelineName, String executionId) throws SQLException {
        String sql = "SELECT COALESCE(MAX(seq), 0) FROM event_outbox WHERE kind = 'EVENT' AND seq > ?" + filter(pipelineName, executionId);
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, 1, 0, pipelineName, executionId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }

    /** One row's place in the outbox's order: its seq and when it was written. */
    public record Written(long seq, Instant createdAt) {
    }

    /**
     * The seqs of every row (events and messages alike) after {@code afterSeq} up to {@code upToSeq}, in order: what a
     * live stream checks for gaps a transaction still in flight may fill.
     */
    public List<Written> writtenBetween(Connection c, long afterSeq, long upToSeq, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT seq, created_at FROM event_outbox WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")) {
            s.setLong(1, afterSeq);
            s.setLong(2, upToSeq);
            s.setInt(3, limit);
            return Queries.list(s, r -> new Written(r.getLong(1), Instant.ofEpochMilli(r.getLong(2))));
        }
    }

    private static String filter(String pipelineName, String executionId) {
        // Every pipeline: the pipelines' events, not EventBridge's own (PutEvents, schedules, S3), which name none.
        return (pipelineName == null ? " AND pipeline_name IS NOT NULL" : " AND pipeline_name = ?") + (executionId == null ? "" : " AND execution_id = ?");
    }

    private static int bind(PreparedStatement s, int from, long afterSeq, String pipelineName, String executionId) throws SQLException {
        int i = from;
        s.setLong(i++, afterSeq);
        if (pipelineName != null) {
            s.setString(i++, pipelineName);
        }
        if (executionId != null) {
            s.setString(i++, executionId);
        }
        return i;
    }

    /** Removes routed rows older than {@code before} (their deliveries keep their own copy). */
    public int purge(Connection c, Instant before) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM event_outbox WHERE routed = TRUE AND created_at < ?")) {
            s.setLong(1, before.toEpochMilli());
            return s.executeUpdate();
        }
    }

    private static OutboxRow row(ResultSet r) throws SQLException {
        return new OutboxRow(r.getLong("seq"), r.getString("event_id"), r.getString("kind"), r.getString("pipeline_name"),
                r.getString("execution_id"), r.getString("detail_type"), r.getString("topic_arn"), r.getString("subject"),
                r.getString("body"), Instant.ofEpochMilli(r.getLong("created_at")));
    }
}
