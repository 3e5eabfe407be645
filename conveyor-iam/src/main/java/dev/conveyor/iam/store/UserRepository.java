package dev.conveyor.iam.store;

import dev.conveyor.store.Database;
import dev.conveyor.store.WrappedKey;
import dev.conveyor.store.jdbc.Queries;
import dev.conveyor.store.jdbc.UniqueInsert;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Users and what hangs off them: access keys, attached managed policies, inline policies. Every change to what a
 * user holds locks the user's row first, so limits (two keys, ten attached policies) and "delete only when empty"
 * hold under concurrent requests and replicas.
 */
public final class UserRepository {
    private static final String USER_COLUMNS = "name, user_id, path, arn, created_at";
    private static final String KEY_COLUMNS = "access_key_id, user_name, status, key_id, key_version, wrapped_key, ciphertext, created_at";

    /** What a delete did, or why it did not. */
    public enum DeleteOutcome { DELETED, NOT_FOUND, HAS_ACCESS_KEYS, HAS_ATTACHED_POLICIES, HAS_INLINE_POLICIES }

    /** What adding to a user (or role) did, or why it did not. */
    public enum AddOutcome { ADDED, NO_SUCH_ENTITY, LIMIT_EXCEEDED, ALREADY_PRESENT }

    private final Database db;

    public UserRepository(Database db) {
        this.db = db;
    }

    /** Stores a new user; false when one of that name (in any case) exists. */
    public boolean insert(UserRow user) {
        return UniqueInsert.run(db, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO iam_user (" + USER_COLUMNS + ", name_key) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, user.name());
                s.setString(2, user.userId());
                s.setString(3, user.path());
                s.setString(4, user.arn());
                s.setLong(5, user.createdAt().toEpochMilli());
                s.setString(6, nameKey(user.name()));
                return s.executeUpdate();
            }
        });
    }

    public Optional<UserRow> find(String name) {
        return db.read(c -> Queries.first(c, "SELECT " + USER_COLUMNS + " FROM iam_user WHERE name = ?", UserRepository::user, name));
    }

    /** Every user whose path starts with {@code pathPrefix}, by name. */
    public List<UserRow> list(String pathPrefix) {
        return db.read(c -> Queries.list(c, "SELECT " + USER_COLUMNS + " FROM iam_user WHERE path LIKE ? ESCAPE '\\' ORDER BY name",
                UserRepository::user, likePrefix(pathPrefix)));
    }

    /** Deletes a user that holds no access keys and no policies. */
    public DeleteOutcome delete(String name) {
        return IamChanges.write(db, c -> {
            if (!lockUser(c, name)) {
                return DeleteOutcome.NOT_FOUND;
            }
            if (count(c, "SELECT COUNT(*) FROM iam_access_key WHERE user_name = ?", name) > 0) {
                return DeleteOutcome.HAS_ACCESS_KEYS;
            }
            if (count(c, "SELECT COUNT(*) FROM iam_user_policy_attachment WHERE user_name = ?", name) > 0) {
                return DeleteOutcome.HAS_ATTACHED_POLICIES;
            }
            if (count(c, "SELECT COUNT(*) FROM iam_user_inline_policy WHERE user_name = ?", name) > 0) {
                return DeleteOutcome.HAS_INLINE_POLICIES;
            }
            Queries.update(c, "DELETE FROM iam_user WHERE name = ?", name);
            return DeleteOutcome.DELETED;
        });
    }

    /** Adds an access key to its user unless the user holds {@code maxKeys} already. */
    public AddOutcome insertAccessKey(AccessKeyRow key, int maxKeys) {
        return IamChanges.write(db, c -> {
            if (!lockUser(c, key.userName())) {
                return AddOutcome.NO_SUCH_ENTITY;
            }
            if (count(c, "SELECT COUNT(*) FROM iam_access_key WHERE user_name = ?", key.userName()) >= maxKeys) {
                return AddOutcome.LIMIT_EXCEEDED;
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO iam_access_key (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, key.accessKeyId());
                s.setString(2, key.userName());
                s.setString(3, key.status());
                s.setString(4, key.secret().key().keyId());
                s.setInt(5, key.secret().key().keyVersion());
                s.setString(6, key.secret().key().wrapped());
                s.setString(7, key.secret().ciphertext());
                s.setLong(8, key.createdAt().toEpochMilli());
                s.executeUpdate();
            }
            return AddOutcome.ADDED;
        });
    }

    public Optional<AccessKeyRow> findAccessKey(String accessKeyId) {
        return db.read(c -> Queries.first(c, "SELECT " + KEY_COLUMNS + " FROM iam_access_key WHERE access_key_id = ?",
                UserRepository::accessKey, accessKeyId));
    }

    public List<AccessKeyRow> accessKeys(String userName) {
        return db.read(c -> Queries.list(c, "SELECT " + KEY_COLUMNS + " FROM iam_access_key WHERE user_name = ? ORDER BY created_at, access_key_id",
                UserRepository::accessKey, userName));
    }

    /** Sets a key's status; false when the user has no such key. */
    public boolean updateAccessKeyStatus(String userName, String accessKeyId, String status) {
        return IamChanges.write(db, c -> Queries.update(c, "UPDATE iam_access_key SET status = ? WHERE user_name = ? AND access_key_id = ?",
                status, userName, accessKeyId) == 1);
    }

    public boolean deleteAccessKey(String userName, String accessKeyId) {
        return IamChanges.write(db, c -> Queries.update(c, "DELETE FROM iam_access_key WHERE user_name = ? AND access_key_id = ?",
                userName, accessKeyId) == 1);
    }

    /** Attaches a managed policy (which must exist: the caller checked) unless {@code maxAttached} are attached already. */
    public AddOutcome attachPolicy(String userName, String policyArn, int maxAttached) {
        return IamChanges.write(db, c -> {
            if (!lockUser(c, userName)) {
                return AddOutcome.NO_SUCH_ENTITY;
            }
            if (count(c, "SELECT COUNT(*) FROM iam_user_policy_attachment WHERE user_name = ? AND policy_arn = ?", userName, policyArn) > 0) {
                return AddOutcome.ALREADY_PRESENT; // attaching twice is not an error in IAM
            }
            if (count(c, "SELECT COUNT(*) FROM iam_user_policy_attachment WHERE user_name = ?", userName) >= maxAttached) {
                return AddOutcome.LIMIT_EXCEEDED;
            }
            Queries.update(c, "INSERT INTO iam_user_policy_attachment (user_name, policy_arn) VALUES (?, ?)", userName, policyArn);
            return AddOutcome.ADDED;
        });
    }

    public boolean detachPolicy(String userName, String policyArn) {
        return IamChanges.write(db, c -> Queries.update(c, "DELETE FROM iam_user_policy_attachment WHERE user_name = ? AND policy_arn = ?",
                userName, policyArn) == 1);
    }

    /** The ARNs of the managed policies attached to a user, in ARN order. */
    public List<String> attachedPolicies(String userName) {
        return db.read(c -> Queries.list(c, "SELECT policy_arn FROM iam_user_policy_attachment WHERE user_name = ? ORDER BY policy_arn",
                r -> r.getString(1), userName));
    }

    /** Creates or replaces an inline policy; false when there is no such user. */
    public boolean putInlinePolicy(String userName, String policyName, String document) {
        return IamChanges.write(db, c -> {
            if (!lockUser(c, userName)) {
                return false;
            }
            if (Queries.update(c, "UPDATE iam_user_inline_policy SET document = ? WHERE user_name = ? AND policy_name = ?",
                    document, userName, policyName) == 0) {
                Queries.update(c, "INSERT INTO iam_user_inline_policy (user_name, policy_name, document) VALUES (?, ?, ?)",
                        userName, policyName, document);
            }
            return true;
        });
    }

    public Optional<String> inlinePolicy(String userName, String policyName) {
        return db.read(c -> Queries.first(c, "SELECT document FROM iam_user_inline_policy WHERE user_name = ? AND policy_name = ?",
                r -> r.getString(1), userName, policyName));
    }

    /** A user's inline policies, by name. */
    public List<InlinePolicyRow> inlinePolicies(String userName) {
        return db.read(c -> Queries.list(c, "SELECT user_name, policy_name, document FROM iam_user_inline_policy WHERE user_name = ? "
                + "ORDER BY policy_name", r -> new InlinePolicyRow(r.getString(1), r.getString(2), r.getString(3)), userName));
    }

    public boolean deleteInlinePolicy(String userName, String policyName) {
        return IamChanges.write(db, c -> Queries.update(c, "DELETE FROM iam_user_inline_policy WHERE user_name = ? AND policy_name = ?",
                userName, policyName) == 1);
    }

    private static boolean lockUser(Connection c, String name) throws SQLException {
        return Queries.first(c, "SELECT name FROM iam_user WHERE name = ? FOR UPDATE", r -> r.getString(1), name).isPresent();
    }

    static long count(Connection c, String sql, String... params) throws SQLException {
        return Queries.first(c, sql, r -> r.getLong(1), params).orElse(0L);
    }

    /** IAM names compare without case for uniqueness. */
    static String nameKey(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    /** A LIKE pattern matching strings that start with {@code prefix} literally. */
    static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static UserRow user(ResultSet r) throws SQLException {
        return new UserRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), java.time.Instant.ofEpochMilli(r.getLong(5)));
    }

    private static AccessKeyRow accessKey(ResultSet r) throws SQLException {
        return new AccessKeyRow(r.getString(1), r.getString(2), r.getString(3),
                new SealedSecret(new WrappedKey(r.getString(4), r.getInt(5), r.getString(6)), r.getString(7)),
                java.time.Instant.ofEpochMilli(r.getLong(8)));
    }
}
