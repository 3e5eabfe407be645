package dev.conveyor.server.auth;

import java.util.Set;

/**
 * What a job's temporary credentials open: reading the job's input artifacts and writing its output artifacts,
 * nothing else (no listing, no other keys, no other buckets).
 */
public record JobScope(String jobId, Set<String> readable, Set<String> writable) {
    /** Whether an S3 request with this method may touch {@code bucket/key}. */
    public boolean allows(String method, String bucket, String key) {
        if (bucket == null || key == null || key.isEmpty()) {
            return false;
        }
        String object = bucket + "/" + key;
        return switch (method) {
            case "GET", "HEAD" -> readable.contains(object) || writable.contains(object);
            case "PUT", "POST" -> writable.contains(object);
            default -> false;
        };
    }
}
