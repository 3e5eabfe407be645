package dev.conveyor.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/** Temporary credentials issued to job workers, each good for one job's artifacts until it expires. */
public final class JobCredentialRepository {
    /** An issued credential. */
    public record JobCredential(String accessKeyId, String secretAccessKey, String sessionToken, String jobId, Instant expiresAt) {
    }

    private final Database db;

    public JobCredentialRepository(Database db) {
        this.db = db;
    }

    public void insert(JobCredential credential) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO job_credential (access_key_id, secret_access_key, session_token, "
                    + "job_id, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, credential.accessKeyId());
                s.setString(2, credential.secretAccessKey());
                s.setString(3, credential.sessionToken());
                s.setString(4, credential.jobId());
                s.setLong(5, credential.expiresAt().toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    public Optional<JobCredential> find(String accessKeyId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT access_key_id, secret_access_key, session_token, job_id, expires_at "
                    + "FROM job_credential WHERE access_key_id = ?")) {
                s.setString(1, accessKeyId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(new JobCredential(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                            Instant.ofEpochMilli(r.getLong(5)))) : Optional.empty();
                }
            }
        });
    }

    /** Removes credentials that expired before {@code now}. */
    public int deleteExpired(Instant now) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM job_credential WHERE expires_at < ?")) {
                s.setLong(1, now.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }
}
