package dev.conveyor.artifacts.object;

import java.io.InputStream;
import java.util.List;

/**
 * Buckets and versioned objects with S3's semantics: what the S3 endpoint serves and what artifacts are stored in.
 * Implemented over local content-addressed blobs ({@code LocalObjectStore}) and over an external S3-compatible
 * service ({@code ExternalS3ObjectStore}). Content streams in and out, never held whole in memory; a failed or
 * interrupted write leaves nothing behind. Failures a client caused are {@link S3Exception}s.
 */
public interface ObjectStore extends AutoCloseable {
    BucketInfo createBucket(String bucket);

    /** Deletes an empty bucket (no versions, no delete markers, no uploads in progress). */
    void deleteBucket(String bucket);

    List<BucketInfo> listBuckets();

    /** The bucket, or NoSuchBucket. */
    BucketInfo headBucket(String bucket);

    /** Enables versioning, or suspends it. */
    void setVersioning(String bucket, boolean enabled);

    /**
     * Writes a new version from {@code content} (read to its end), encrypted when the write names a key. The answer
     * carries the sha256 of the content.
     */
    /**
     * True when no read of this store hands over a byte other than one written (it verifies what it reads and fails
     * instead); false when callers that must be sure have to check the content themselves.
     */
    default boolean verifiesReads() {
        return false;
    }

    /**
     * True when {@link #putObject} and {@link #uploadPart} compare the content's sha256 with
     * {@link ObjectWrite#expectedSha256()} themselves, from the digest they compute anyway, and store nothing when it
     * differs: a caller then need not digest the content a second time to check a signed payload hash. False when the
     * store acts on the content before it could compare (it would have to undo it), so the caller checks as it reads.
     */
    default boolean checksDeclaredSha256() {
        return false;
    }

    ObjectVersion putObject(String bucket, String key, ObjectWrite write, InputStream content);

    /** Opens a version (the latest when {@code versionId} is null), or the bytes of it that {@code range} selects. */
    ObjectContent getObject(String bucket, String key, String versionId, ByteRange range);

    ObjectVersion headObject(String bucket, String key, String versionId);

    DeleteResult deleteObject(String bucket, String key, String versionId);

    /**
     * Copies a version to a new key. {@code replacement} null keeps the source's content type, user and system metadata; its
     * encryption key (or the source's when null) decides how the copy is stored.
     */
    ObjectVersion copyObject(String sourceBucket, String sourceKey, String sourceVersionId, String bucket, String key,
                             ObjectWrite replacement);

    /** ListObjectsV2: {@code continuationToken} or else {@code startAfter} (both may be null). */
    ObjectListing listObjects(String bucket, String prefix, String delimiter, String startAfter, String continuationToken,
                              int maxKeys);

    VersionListing listObjectVersions(String bucket, String prefix, String delimiter, String keyMarker,
                                      String versionIdMarker, int maxKeys);

    MultipartUpload createMultipartUpload(String bucket, String key, ObjectWrite write);

    UploadedPart uploadPart(String bucket, String key, String uploadId, int partNumber, ObjectWrite write, InputStream content);

    ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId, List<CompletedPart> parts);

    void abortMultipartUpload(String bucket, String key, String uploadId);

    List<UploadedPart> listParts(String bucket, String key, String uploadId);

    List<MultipartUpload> listMultipartUploads(String bucket, String prefix, int maxUploads);

    @Override
    default void close() {
    }
}
