package dev.conveyor.store.secrets;

import dev.conveyor.store.Database;
import dev.conveyor.store.Page;
import dev.conveyor.store.jdbc.Queries;
import dev.conveyor.store.jdbc.UniqueInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Secrets by name. A new value replaces the old one and bumps the version; old values are not kept. */
public final class SecretRepository {
    private static final String COLUMNS = "name, arn_suffix, description, parameter_type, version, key_id, key_version, "
            + "wrapped_key, ciphertext, created_at, updated_at";

    private final Database db;

    public SecretRepository(Database db) {
        this.db = db;
    }

    /** Stores a new secret; false when one of that name exists. */
    public boolean insert(SecretRow secret) {
        return UniqueInsert.run(db, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO stored_secret (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, secret.name());
                s.setString(2, secret.arnSuffix());
                s.setString(3, secret.description());
                s.setString(4, secret.parameterType());
                s.setLong(5, secret.version());
                s.setString(6, secret.keyId());
                s.setInt(7, secret.keyVersion());
                s.setString(8, secret.wrappedKey());
                s.setString(9, secret.ciphertext());
                s.setLong(10, secret.createdAt().toEpochMilli());
                s.setLong(11, secret.updatedAt().toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    /**
     * Replaces a secret's value (and its description when one is given), bumping its version; returns the new
     * version, or empty when there is no such secret.
     */
    public Optional<Long> replaceValue(String name, String description, String parameterType, String keyId, int keyVersion,
                                       String wrappedKey, String ciphertext, Instant now) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE stored_secret SET description = COALESCE(?, description), "
                    + "parameter_type = COALESCE(?, parameter_type), version = version + 1, key_id = ?, key_version = ?, "
                    + "wrapped_key = ?, ciphertext = ?, updated_at = ? WHERE name = ?")) {
                if (description == null) {
                    s.setNull(1, Types.VARCHAR);
                } else {
                    s.setString(1, description);
                }
                if (parameterType == null) {
                    s.setNull(2, Types.VARCHAR);
                } else {
                    s.setString(2, parameterType);
                }
                s.setString(3, keyId);
                s.setInt(4, keyVersion);
                s.setString(5, wrappedKey);
                s.setString(6, ciphertext);
                s.setLong(7, now.toEpochMilli());
                s.setString(8, name);
                if (s.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT version FROM stored_secret WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return Optional.of(r.getLong(1));
                }
            }
        });
    }

    public Optional<SecretRow> find(String name) {
        return db.read(c -> Queries.first(c, "SELECT " + COLUMNS + " FROM stored_secret WHERE name = ?", SecretRepository::row, name));
    }

    public boolean delete(String name) {
        return db.inTransaction(c -> Queries.update(c, "DELETE FROM stored_secret WHERE name = ?", name) == 1);
    }

    /** Secrets in name order, after the page key of the previous page. */
    public Page<SecretRow> list(int max, String afterName) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM stored_secret"
                    + (afterName == null ? "" : " WHERE name > ?") + " ORDER BY name LIMIT ?")) {
                int i = 1;
                if (afterName != null) {
                    s.setString(i++, afterName);
                }
                s.setInt(i, max + 1);
                List<SecretRow> rows = Queries.list(s, SecretRepository::row);
                if (rows.size() > max) {
                    List<SecretRow> page = List.copyOf(rows.subList(0, max));
                    return new Page<>(page, page.getLast().name());
                }
                return new Page<>(rows, null);
            }
        });
    }

    private static SecretRow row(ResultSet r) throws SQLException {
        return new SecretRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5), r.getString(6),
                r.getInt(7), r.getString(8), r.getString(9), Instant.ofEpochMilli(r.getLong(10)), Instant.ofEpochMilli(r.getLong(11)));
    }
}
