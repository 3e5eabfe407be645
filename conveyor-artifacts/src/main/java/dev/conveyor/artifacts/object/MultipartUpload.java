package dev.conveyor.artifacts.object;

import java.time.Instant;

/** A multipart upload in progress. */
public record MultipartUpload(String bucket, String key, String uploadId, Instant initiated, String kmsKeyId) {
}
