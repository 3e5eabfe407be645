package dev.conveyor.audit.store;

import dev.conveyor.audit.AuditResource;
import dev.conveyor.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** The audit trail's rows: batches inserted in one transaction, pages read newest first, old rows removed. */
public final class AuditRepository {
    /** Where a page starts: strictly older than this event, by (event_time, seq). */
    public record Cursor(long eventTimeMillis, long seq) {
    }

    private final Database database;

    public AuditRepository(Database database) {
        this.database = database;
    }

    /** Stores a batch in one transaction: all of it or, on failure, none. */
    public void insert(List<StoredEvent> events) {
        database.inTransaction(c -> {
            try (PreparedStatement event = c.prepareStatement("INSERT INTO audit_event (event_id, event_time, event_source, event_name,"
                    + " username, access_key_id, read_only, error_code, cloudtrail_event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    new String[] {"seq"});
                 PreparedStatement resource = c.prepareStatement(
                         "INSERT INTO audit_event_resource (event_seq, resource_type, resource_name) VALUES (?, ?, ?)")) {
                for (StoredEvent e : events) {
                    event.setString(1, e.eventId());
                    event.setLong(2, e.eventTime().toEpochMilli());
                    event.setString(3, e.eventSource());
                    event.setString(4, e.eventName());
                    event.setString(5, e.username());
                    event.setString(6, e.accessKeyId());
                    event.setBoolean(7, e.readOnly());
                    event.setString(8, e.errorCode());
                    event.setString(9, e.cloudTrailEvent());
                    event.executeUpdate();
                    long seq;
                    try (ResultSet keys = event.getGeneratedKeys()) {
                        keys.next();
                        seq = keys.getLong(1);
                    }
                    for (AuditResource r : e.resources()) {
                        resource.setLong(1, seq);
                        resource.setString(2, r.type());
                        resource.setString(3, r.name());
                        resource.addBatch();
                    }
                }
                resource.executeBatch();
            }
            return null;
        });
    }

    /**
     * Events matching every filter with {@code from <= event_time <= to}, newest first, starting after {@code after}
     * (null: from the newest); at most {@code limit}.
     */
    public List<StoredEvent> find(List<LookupFilter> filters, Instant from, Instant to, Cursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, event_id, event_time, event_source, event_name, username, access_key_id,"
                + " read_only, error_code, cloudtrail_event FROM audit_event e WHERE event_time >= ? AND event_time <= ?");
        List<Object> args = new ArrayList<>(List.of(from.toEpochMilli(), to.toEpochMilli()));
        for (LookupFilter f : filters) {
            switch (f.attribute()) {
                case EventId -> sql.append(" AND event_id = ?");
                case EventName -> sql.append(" AND event_name = ?");
                case Username -> sql.append(" AND username = ?");
                case EventSource -> sql.append(" AND event_source = ?");
                case AccessKeyId -> sql.append(" AND access_key_id = ?");
                case ReadOnly -> sql.append(" AND read_only = ?");
                case ResourceType -> sql.append(" AND EXISTS (SELECT 1 FROM audit_event_resource r WHERE r.event_seq = e.seq AND r.resource_type = ?)");
                case ResourceName -> sql.append(" AND EXISTS (SELECT 1 FROM audit_event_resource r WHERE r.event_seq = e.seq AND r.resource_name = ?)");
            }
            args.add(f.attribute() == LookupFilter.Attribute.ReadOnly ? (Object) Boolean.valueOf(f.value()) : f.value());
        }
        if (after != null) {
            sql.append(" AND (event_time < ? OR (event_time = ? AND seq < ?))");
            args.addAll(List.of(after.eventTimeMillis(), after.eventTimeMillis(), after.seq()));
        }
        sql.append(" ORDER BY event_time DESC, seq DESC LIMIT ?");
        args.add(limit);
        return database.read(c -> {
            Map<Long, StoredEvent> page = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        long seq = r.getLong(1);
                        page.put(seq, new StoredEvent(seq, r.getString(2), Instant.ofEpochMilli(r.getLong(3)), r.getString(4),
                                r.getString(5), r.getString(6), r.getString(7), r.getBoolean(8), r.getString(9), r.getString(10),
                                List.of()));
                    }
                }
            }
            Map<Long, List<AuditResource>> resources = resources(c, page.keySet());
            List<StoredEvent> out = new ArrayList<>(page.size());
            page.values().forEach(e -> out.add(new StoredEvent(e.seq(), e.eventId(), e.eventTime(), e.eventSource(), e.eventName(),
                    e.username(), e.accessKeyId(), e.readOnly(), e.errorCode(), e.cloudTrailEvent(),
                    resources.getOrDefault(e.seq(), List.of()))));
            return out;
        });
    }

    private static Map<Long, List<AuditResource>> resources(Connection c, Iterable<Long> seqs) throws SQLException {
        StringJoiner in = new StringJoiner(",", "(", ")");
        List<Long> ids = new ArrayList<>();
        seqs.forEach(seq -> {
            in.add("?");
            ids.add(seq);
        });
        Map<Long, List<AuditResource>> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT event_seq, resource_type, resource_name FROM audit_event_resource"
                + " WHERE event_seq IN " + in)) {
            for (int i = 0; i < ids.size(); i++) {
                s.setLong(i + 1, ids.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.computeIfAbsent(r.getLong(1), k -> new ArrayList<>()).add(new AuditResource(r.getString(2), r.getString(3)));
                }
            }
        }
        return out;
    }

    /** Removes events older than {@code cutoff} (their resources go with them); returns how many. */
    public int deleteOlderThan(Instant cutoff) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM audit_event WHERE event_time < ?")) {
                s.setLong(1, cutoff.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }
}
