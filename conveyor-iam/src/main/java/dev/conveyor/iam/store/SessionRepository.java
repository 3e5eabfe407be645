package dev.conveyor.iam.store;

import dev.conveyor.store.Database;
import dev.conveyor.store.WrappedKey;
import dev.conveyor.store.jdbc.Queries;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The temporary credentials of role sessions. Expired ones are kept until {@link #deleteExpiredBefore} removes them. */
public final class SessionRepository {
    private static final String COLUMNS = "access_key_id, role_name, role_id, session_name, session_token_hash, key_id, key_version, "
            + "wrapped_key, ciphertext, expires_at, created_at";

    private final Database db;

    public SessionRepository(Database db) {
        this.db = db;
    }

    public void insert(SessionRow session) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO iam_session (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, session.accessKeyId());
                s.setString(2, session.roleName());
                s.setString(3, session.roleId());
                s.setString(4, session.sessionName());
                s.setString(5, session.sessionTokenHash());
                s.setString(6, session.secret().key().keyId());
                s.setInt(7, session.secret().key().keyVersion());
                s.setString(8, session.secret().key().wrapped());
                s.setString(9, session.secret().ciphertext());
                s.setLong(10, session.expiresAt().toEpochMilli());
                s.setLong(11, session.createdAt().toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    public Optional<SessionRow> find(String accessKeyId) {
        return db.read(c -> Queries.first(c, "SELECT " + COLUMNS + " FROM iam_session WHERE access_key_id = ?", SessionRepository::session,
                accessKeyId));
    }

    /** Removes sessions that expired before {@code instant}; how many. */
    public int deleteExpiredBefore(Instant instant) {
        return IamChanges.write(db, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM iam_session WHERE expires_at < ?")) {
                s.setLong(1, instant.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    private static SessionRow session(ResultSet r) throws SQLException {
        return new SessionRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                new SealedSecret(new WrappedKey(r.getString(6), r.getInt(7), r.getString(8)), r.getString(9)),
                Instant.ofEpochMilli(r.getLong(10)), Instant.ofEpochMilli(r.getLong(11)));
    }
}
