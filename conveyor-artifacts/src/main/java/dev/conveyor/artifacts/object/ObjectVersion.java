package dev.conveyor.artifacts.object;

import java.time.Instant;
import java.util.Map;

/**
 * One version of an object (or a delete marker) as clients see it.
 *
 * @param versionId   the version id; {@code "null"} for a version written while versioning was off or suspended
 * @param size        plaintext bytes
 * @param etag        the quoted ETag: MD5 of the content, or of the parts' MD5s with {@code -N} for multipart; as
 *                    for S3's SSE-KMS objects, not an MD5 for an encrypted object uploaded in one request
 * @param sha256      hex sha256 of the plaintext when known (simple uploads), else null
 * @param kmsKeyId    the keyring key id the content is encrypted under, or null when stored as plaintext
 * @param partsCount  the number of parts of a multipart upload, else null
 * @param system      its Cache-Control, Content-Disposition and other system metadata
 */
public record ObjectVersion(String bucket, String key, String versionId, boolean deleteMarker, boolean latest, long size,
                            String etag, Instant lastModified, String contentType, Map<String, String> userMetadata,
                            String sha256, String kmsKeyId, Integer partsCount, SystemMetadata system) {
    public static final String NULL_VERSION = "null";

    public ObjectVersion {
        userMetadata = userMetadata == null ? Map.of() : Map.copyOf(userMetadata);
        system = system == null ? SystemMetadata.NONE : system;
    }

    /** A version without system metadata (a delete marker, or a listing's entry, which does not carry it). */
    public ObjectVersion(String bucket, String key, String versionId, boolean deleteMarker, boolean latest, long size, String etag,
                         Instant lastModified, String contentType, Map<String, String> userMetadata, String sha256, String kmsKeyId,
                         Integer partsCount) {
        this(bucket, key, versionId, deleteMarker, latest, size, etag, lastModified, contentType, userMetadata, sha256, kmsKeyId,
                partsCount, SystemMetadata.NONE);
    }
}
