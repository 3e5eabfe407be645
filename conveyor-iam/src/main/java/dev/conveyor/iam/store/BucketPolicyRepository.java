package dev.conveyor.iam.store;

import dev.conveyor.store.Database;
import dev.conveyor.store.jdbc.Queries;
import java.time.Instant;
import java.util.Optional;

/**
 * Bucket policies by bucket name: one document per bucket, replaced whole by PutBucketPolicy. Writes announce
 * themselves ({@link IamChanges}), so every server's identity cache forgets the bucket's policy.
 */
public final class BucketPolicyRepository {
    private final Database db;

    public BucketPolicyRepository(Database db) {
        this.db = db;
    }

    /** Stores {@code document} as {@code bucket}'s policy, replacing any it had. */
    public void put(String bucket, String document, Instant at) {
        IamChanges.write(db, c -> {
            // Replace in one transaction; the row lock (or the insert's key) serialises two concurrent puts.
            int updated;
            try (var s = c.prepareStatement("UPDATE iam_bucket_policy SET document = ?, updated_at = ? WHERE bucket = ?")) {
                s.setString(1, document);
                s.setLong(2, at.toEpochMilli());
                s.setString(3, bucket);
                updated = s.executeUpdate();
            }
            if (updated == 0) {
                try (var s = c.prepareStatement("INSERT INTO iam_bucket_policy (bucket, document, updated_at) VALUES (?, ?, ?)")) {
                    s.setString(1, bucket);
                    s.setString(2, document);
                    s.setLong(3, at.toEpochMilli());
                    s.executeUpdate();
                }
            }
            return null;
        });
    }

    public Optional<String> find(String bucket) {
        return db.read(c -> Queries.first(c, "SELECT document FROM iam_bucket_policy WHERE bucket = ?", r -> r.getString(1), bucket));
    }

    /** Removes {@code bucket}'s policy; false when it had none. */
    public boolean delete(String bucket) {
        return IamChanges.write(db, c -> Queries.update(c, "DELETE FROM iam_bucket_policy WHERE bucket = ?", bucket) > 0);
    }
}
