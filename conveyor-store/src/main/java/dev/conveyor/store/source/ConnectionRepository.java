package dev.conveyor.store.source;

import dev.conveyor.store.Database;
import dev.conveyor.store.Page;
import dev.conveyor.store.jdbc.Columns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Hosts and connections of the CodeConnections API, found by the id at the end of their ARNs. */
public final class ConnectionRepository {
    private static final String HOST_COLUMNS = "id, arn, name, provider_type, provider_endpoint, status, created_at";
    private static final String CONNECTION_COLUMNS = "id, arn, name, provider_type, host_id, status, created_at";

    private final Database db;

    public ConnectionRepository(Database db) {
        this.db = db;
    }

    public void createHost(HostRow host) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO connection_host (" + HOST_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, host.id());
                s.setString(2, host.arn());
                s.setString(3, host.name());
                s.setString(4, host.providerType());
                s.setString(5, host.providerEndpoint());
                s.setString(6, host.status());
                Columns.setInstant(s, 7, host.createdAt());
                s.executeUpdate();
            }
            return null;
        });
    }

    public Optional<HostRow> findHost(String id) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + HOST_COLUMNS + " FROM connection_host WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(host(r)) : Optional.empty();
                }
            }
        });
    }

    /** Hosts in id order, after {@code afterId} (null for the first page). */
    public Page<HostRow> listHosts(int max, String afterId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + HOST_COLUMNS + " FROM connection_host"
                    + (afterId == null ? "" : " WHERE id > ?") + " ORDER BY id LIMIT ?")) {
                int i = 1;
                if (afterId != null) {
                    s.setString(i++, afterId);
                }
                s.setInt(i, max + 1);
                List<HostRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(host(r));
                    }
                }
                return page(rows, max, HostRow::id);
            }
        });
    }

    /** Deletes a host that no connection uses; false when there was none or a connection still uses it. */
    public boolean deleteHost(String id) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM source_connection WHERE host_id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getInt(1) > 0) {
                        return false;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM connection_host WHERE id = ?")) {
                s.setString(1, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    public int connectionsOfHost(String hostId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM source_connection WHERE host_id = ?")) {
                s.setString(1, hostId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    public void createConnection(ConnectionRow connection) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO source_connection (" + CONNECTION_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, connection.id());
                s.setString(2, connection.arn());
                s.setString(3, connection.name());
                s.setString(4, connection.providerType());
                s.setString(5, connection.hostId());
                s.setString(6, connection.status());
                Columns.setInstant(s, 7, connection.createdAt());
                s.executeUpdate();
            }
            return null;
        });
    }

    public Optional<ConnectionRow> findConnection(String id) {
        return db.read(c -> findConnection(c, id));
    }

    private static Optional<ConnectionRow> findConnection(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + CONNECTION_COLUMNS + " FROM source_connection WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(connection(r)) : Optional.empty();
            }
        }
    }

    /** Connections in id order, optionally only of one provider type or host. */
    public Page<ConnectionRow> listConnections(String providerType, String hostId, int max, String afterId) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT " + CONNECTION_COLUMNS + " FROM source_connection WHERE 1 = 1");
            List<String> args = new ArrayList<>();
            if (providerType != null) {
                sql.append(" AND provider_type = ?");
                args.add(providerType);
            }
            if (hostId != null) {
                sql.append(" AND host_id = ?");
                args.add(hostId);
            }
            if (afterId != null) {
                sql.append(" AND id > ?");
                args.add(afterId);
            }
            sql.append(" ORDER BY id LIMIT ?");
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String arg : args) {
                    s.setString(i++, arg);
                }
                s.setInt(i, max + 1);
                List<ConnectionRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(connection(r));
                    }
                }
                return page(rows, max, ConnectionRow::id);
            }
        });
    }

    public boolean deleteConnection(String id) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM source_connection WHERE id = ?")) {
                s.setString(1, id);
                return s.executeUpdate() > 0;
            }
        });
    }

    private static <T> Page<T> page(List<T> rows, int max, java.util.function.Function<T, String> key) {
        if (rows.size() > max) {
            List<T> page = List.copyOf(rows.subList(0, max));
            return new Page<>(page, key.apply(page.getLast()));
        }
        return new Page<>(rows, null);
    }

    private static HostRow host(ResultSet r) throws SQLException {
        return new HostRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                Columns.instant(r, "created_at"));
    }

    private static ConnectionRow connection(ResultSet r) throws SQLException {
        return new ConnectionRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                Columns.instant(r, "created_at"));
    }
}
