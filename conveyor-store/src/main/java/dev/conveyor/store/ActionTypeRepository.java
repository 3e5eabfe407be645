package dev.conveyor.store;

import dev.conveyor.model.pipeline.ActionTypeId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Custom action types. A deleted type keeps its row (marked deleted) because CodePipeline never lets a deleted
 * provider and version be used again.
 */
public final class ActionTypeRepository {
    /** A stored action type: its definition JSON (the model's ActionTypeDefinition) and declaration extras JSON. */
    public record StoredActionType(ActionTypeId id, String arn, String definitionJson, String declarationJson,
                                   boolean deleted, Instant created, Instant updated) {
    }

    private final Database db;

    public ActionTypeRepository(Database db) {
        this.db = db;
    }

    /** Inserts a new type; false when the id is taken (by a live or a deleted type). */
    public boolean create(ActionTypeId id, String arn, String definitionJson, Instant now) {
        return db.inTransaction(c -> {
            if (find(c, id).isPresent()) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO action_type (category, owner, provider, type_version, arn, "
                    + "definition, declaration, deleted, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, FALSE, ?, ?)")) {
                bindId(s, id);
                s.setString(5, arn);
                s.setString(6, definitionJson);
                s.setLong(7, now.toEpochMilli());
                s.setLong(8, now.toEpochMilli());
                s.executeUpdate();
            } catch (SQLException e) {
                if (StoreException.isUniqueViolation(e)) {
                    return false;
                }
                throw e;
            }
            return true;
        });
    }

    /** Replaces a live type's definition and declaration; false when there is no live type of that id. */
    public boolean update(ActionTypeId id, String definitionJson, String declarationJson, Instant now) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE action_type SET definition = ?, declaration = ?, updated_at = ? "
                    + "WHERE category = ? AND owner = ? AND provider = ? AND type_version = ? AND deleted = FALSE")) {
                s.setString(1, definitionJson);
                s.setString(2, declarationJson);
                s.setLong(3, now.toEpochMilli());
                s.setString(4, id.category());
                s.setString(5, id.owner());
                s.setString(6, id.provider());
                s.setString(7, id.version());
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Marks a type deleted; deleting one that is absent or already deleted succeeds. */
    public void markDeleted(ActionTypeId id, Instant now) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE action_type SET deleted = TRUE, updated_at = ? "
                    + "WHERE category = ? AND owner = ? AND provider = ? AND type_version = ?")) {
                s.setLong(1, now.toEpochMilli());
                s.setString(2, id.category());
                s.setString(3, id.owner());
                s.setString(4, id.provider());
                s.setString(5, id.version());
                return s.executeUpdate();
            }
        });
    }

    public Optional<StoredActionType> find(ActionTypeId id) {
        return db.read(c -> find(c, id));
    }

    /** Every live type, ordered by id. */
    public List<StoredActionType> live() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT category, owner, provider, type_version, arn, definition, declaration, "
                    + "deleted, created_at, updated_at FROM action_type WHERE deleted = FALSE ORDER BY category, owner, provider, type_version")) {
                return read(s);
            }
        });
    }

    public int countLive() {
        return live().size();
    }

    private static Optional<StoredActionType> find(java.sql.Connection c, ActionTypeId id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT category, owner, provider, type_version, arn, definition, declaration, "
                + "deleted, created_at, updated_at FROM action_type WHERE category = ? AND owner = ? AND provider = ? AND type_version = ?")) {
            bindId(s, id);
            List<StoredActionType> rows = read(s);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        }
    }

    private static void bindId(PreparedStatement s, ActionTypeId id) throws SQLException {
        s.setString(1, id.category());
        s.setString(2, id.owner());
        s.setString(3, id.provider());
        s.setString(4, id.version());
    }

    private static List<StoredActionType> read(PreparedStatement s) throws SQLException {
        List<StoredActionType> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                rows.add(new StoredActionType(new ActionTypeId(r.getString(1), r.getString(2), r.getString(3), r.getString(4)),
                        r.getString(5), r.getString(6), r.getString(7), r.getBoolean(8), Instant.ofEpochMilli(r.getLong(9)),
                        Instant.ofEpochMilli(r.getLong(10))));
            }
        }
        return rows;
    }
}
