package dev.conveyor.artifacts.object;

/**
 * A client-visible failure of an object operation, carrying the S3 error code it is reported with. One class with
 * a code rather than a class per code: S3 errors carry nothing but the code, a message and the resource.
 */
public final class S3Exception extends RuntimeException {
    private final S3ErrorCode code;
    private final String resource;
    private final boolean deleteMarker;
    private final String versionId;

    public S3Exception(S3ErrorCode code, String message, String resource) {
        this(code, message, resource, false, null);
    }

    public S3Exception(S3ErrorCode code, String message, String resource, boolean deleteMarker, String versionId) {
        super(message, null, false, false);
        this.code = code;
        this.resource = resource;
        this.deleteMarker = deleteMarker;
        this.versionId = versionId;
    }

    public S3ErrorCode code() {
        return code;
    }

    /** The bucket or {@code bucket/key} the error is about, or null. */
    public String resource() {
        return resource;
    }

    /** True when the key's latest version (or the version asked for) is a delete marker. */
    public boolean deleteMarker() {
        return deleteMarker;
    }

    /** The version id of that delete marker, when there is one. */
    public String versionId() {
        return versionId;
    }

    public static S3Exception noSuchBucket(String bucket) {
        return new S3Exception(S3ErrorCode.NoSuchBucket, "The specified bucket does not exist", bucket);
    }

    public static S3Exception noSuchKey(String bucket, String key) {
        return new S3Exception(S3ErrorCode.NoSuchKey, "The specified key does not exist.", bucket + "/" + key);
    }
}
