package dev.conveyor.store;

import dev.conveyor.model.errors.TooManyTagsException;
import dev.conveyor.model.pipeline.Tag;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Tags of any resource, keyed by its ARN. Tagging a key again replaces its value; the limit of tags per resource
 * is checked in the same transaction as the write.
 */
public final class TagRepository {
    private final Database db;
    private final int maxTagsPerResource;

    public TagRepository(Database db, int maxTagsPerResource) {
        this.db = db;
        this.maxTagsPerResource = maxTagsPerResource;
    }

    /** The resource's tags in the order they were first given. */
    public List<Tag> list(String arn) {
        return db.read(c -> list(c, arn));
    }

    /** Adds or replaces tags. */
    public void tag(String arn, List<Tag> newTags) {
        db.inTransaction(c -> {
            insert(c, arn, newTags);
            return null;
        });
    }

    /** Removes the tags with these keys; keys the resource does not have are ignored. */
    public void untag(String arn, Collection<String> keys) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM resource_tag WHERE resource_arn = ? AND tag_key = ?")) {
                for (String key : keys) {
                    s.setString(1, arn);
                    s.setString(2, key);
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    /** Adds or replaces tags inside the caller's transaction. */
    void insert(Connection c, String arn, List<Tag> newTags) throws SQLException {
        if (newTags == null || newTags.isEmpty()) {
            return;
        }
        List<Tag> existing = list(c, arn);
        int position = existing.size();
        int count = existing.size();
        for (Tag tag : newTags) {
            try (PreparedStatement u = c.prepareStatement("UPDATE resource_tag SET tag_value = ? WHERE resource_arn = ? AND tag_key = ?")) {
                u.setString(1, tag.value());
                u.setString(2, arn);
                u.setString(3, tag.key());
                if (u.executeUpdate() > 0) {
                    continue;
                }
            }
            if (++count > maxTagsPerResource) {
                throw new TooManyTagsException("Tag limit exceeded: a resource can have at most " + maxTagsPerResource + " tags", "tags");
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO resource_tag (resource_arn, tag_key, tag_value, position) VALUES (?, ?, ?, ?)")) {
                s.setString(1, arn);
                s.setString(2, tag.key());
                s.setString(3, tag.value());
                s.setInt(4, position++);
                s.executeUpdate();
            }
        }
    }

    void deleteAll(Connection c, String arn) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM resource_tag WHERE resource_arn = ?")) {
            s.setString(1, arn);
            s.executeUpdate();
        }
    }

    private static List<Tag> list(Connection c, String arn) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT tag_key, tag_value FROM resource_tag WHERE resource_arn = ? ORDER BY position")) {
            s.setString(1, arn);
            List<Tag> tags = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    tags.add(new Tag(r.getString(1), r.getString(2)));
                }
            }
            return tags;
        }
    }
}
