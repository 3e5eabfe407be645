package dev.conveyor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Artifact versions of pipeline executions and their audit trail: which action execution produced each one and
 * which consumed it. Objects themselves are elsewhere (local blobs or an external S3 service); rows refer to them
 * by bucket, key and version id.
 */
public final class ArtifactRepository {
    private static final String COLUMNS = "id, bucket, object_key, version_id, artifact_name, sha256, size, pipeline_name, "
            + "pipeline_execution_id, stage_name, action_name, action_execution_id, created_at";

    private final Database db;

    public ArtifactRepository(Database db) {
        this.db = db;
    }

    /** Records an artifact version; recording the same object version again returns the first record. */
    public ArtifactRow insert(String bucket, String key, String versionId, String artifactName, String sha256, long size,
                              ArtifactUseRow producer) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact (bucket, object_key, version_id, artifact_name, "
                    + "sha256, size, pipeline_name, pipeline_execution_id, stage_name, action_name, action_execution_id, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, bucket);
                s.setString(2, key);
                s.setString(3, versionId);
                s.setString(4, artifactName);
                s.setString(5, sha256);
                s.setLong(6, size);
                s.setString(7, producer.pipelineName());
                s.setString(8, producer.pipelineExecutionId());
                s.setString(9, producer.stageName());
                s.setString(10, producer.actionName());
                s.setString(11, producer.actionExecutionId());
                s.setLong(12, producer.at().toEpochMilli());
                s.executeUpdate();
            }
            return find(c, bucket, key, versionId).orElseThrow();
        });
    }

    public Optional<ArtifactRow> find(String bucket, String key, String versionId) {
        return db.read(c -> find(c, bucket, key, versionId));
    }

    /** The newest artifact recorded for an object key (when a location names no version). */
    public Optional<ArtifactRow> newest(String bucket, String key) {
        return db.read(c -> {
            List<ArtifactRow> rows = query(c, "SELECT " + COLUMNS + " FROM artifact WHERE bucket = ? AND object_key = ? "
                    + "ORDER BY id DESC LIMIT 1", bucket, key);
            return rows.stream().findFirst();
        });
    }

    /** The artifacts an execution produced, in the order they were recorded. */
    public List<ArtifactRow> producedBy(String pipelineExecutionId) {
        return db.read(c -> query(c, "SELECT " + COLUMNS + " FROM artifact WHERE pipeline_execution_id = ? ORDER BY id",
                pipelineExecutionId));
    }

    public void recordConsumption(long artifactId, ArtifactUseRow use) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact_consumption (artifact_id, pipeline_name, "
                    + "pipeline_execution_id, stage_name, action_name, action_execution_id, consumed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                s.setLong(1, artifactId);
                s.setString(2, use.pipelineName());
                s.setString(3, use.pipelineExecutionId());
                s.setString(4, use.stageName());
                s.setString(5, use.actionName());
                s.setString(6, use.actionExecutionId());
                s.setLong(7, use.at().toEpochMilli());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Who consumed an artifact, in the order they did. */
    public List<ArtifactUseRow> consumers(long artifactId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT pipeline_name, pipeline_execution_id, stage_name, action_name, "
                    + "action_execution_id, consumed_at FROM artifact_consumption WHERE artifact_id = ? ORDER BY id")) {
                s.setLong(1, artifactId);
                List<ArtifactUseRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new ArtifactUseRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), Instant.ofEpochMilli(r.getLong(6))));
                    }
                }
                return rows;
            }
        });
    }

    /** Pipelines that have artifacts, by name. */
    public List<String> pipelines() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT pipeline_name FROM artifact ORDER BY pipeline_name");
                 ResultSet r = s.executeQuery()) {
                List<String> names = new ArrayList<>();
                while (r.next()) {
                    names.add(r.getString(1));
                }
                return names;
            }
        });
    }

    /** A pipeline's executions that have artifacts, newest (by their last stored artifact) first. */
    public List<ExecutionArtifactsRow> executions(String pipelineName) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT pipeline_execution_id, MAX(created_at), COUNT(*), MAX(id) FROM artifact "
                    + "WHERE pipeline_name = ? GROUP BY pipeline_execution_id ORDER BY MAX(created_at) DESC, MAX(id) DESC")) {
                s.setString(1, pipelineName);
                List<ExecutionArtifactsRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new ExecutionArtifactsRow(r.getString(1), Instant.ofEpochMilli(r.getLong(2)), r.getInt(3)));
                    }
                }
                return rows;
            }
        });
    }

    /** Forgets one artifact version and its consumption records. */
    public void delete(long artifactId) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM artifact_consumption WHERE artifact_id = ?")) {
                s.setLong(1, artifactId);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM artifact WHERE id = ?")) {
                s.setLong(1, artifactId);
                s.executeUpdate();
            }
            return null;
        });
    }

    private static Optional<ArtifactRow> find(Connection c, String bucket, String key, String versionId) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM artifact WHERE bucket = ? AND object_key = ? AND version_id = ?",
                bucket, key, versionId).stream().findFirst();
    }

    private static List<ArtifactRow> query(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            List<ArtifactRow> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new ArtifactRow(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6), r.getLong(7), new ArtifactUseRow(r.getString(8), r.getString(9), r.getString(10),
                            r.getString(11), r.getString(12), Instant.ofEpochMilli(r.getLong(13)))));
                }
            }
            return rows;
        }
    }
}
