package dev.conveyor.store.source;

import dev.conveyor.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The current version of every pipeline, and a cheap fingerprint of them all, for in-memory indexes of pipeline
 * declarations (which pipelines a source change starts) to notice any create, update or delete, on any replica.
 */
public final class PipelineVersions {
    private final Database db;

    public PipelineVersions(Database db) {
        this.db = db;
    }

    /** Changes whenever a pipeline is created, updated or deleted: count, sum of versions, latest update. */
    public String fingerprint() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COUNT(*), COALESCE(SUM(version), 0), COALESCE(MAX(updated_at), 0) FROM pipeline");
                 ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1) + ":" + r.getLong(2) + ":" + r.getLong(3);
            }
        });
    }

    /** A pipeline's current version and when it was last written (a re-created pipeline restarts at version 1). */
    public record Version(int version, long updatedAt) {
    }

    /** Pipeline name → its current version. */
    public Map<String, Version> current() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT name, version, updated_at FROM pipeline"); ResultSet r = s.executeQuery()) {
                Map<String, Version> versions = new HashMap<>();
                while (r.next()) {
                    versions.put(r.getString(1), new Version(r.getInt(2), r.getLong(3)));
                }
                return versions;
            }
        });
    }
}
