package dev.conveyor.artifacts.object;

/** The S3 error codes this store reports, with the HTTP status S3 answers them with. */
public enum S3ErrorCode {
    AccessDenied(403),
    BadDigest(400),
    BucketAlreadyExists(409),
    BucketAlreadyOwnedByYou(409),
    BucketNotEmpty(409),
    EntityTooLarge(400),
    EntityTooSmall(400),
    IncompleteBody(400),
    InternalError(500),
    InvalidArgument(400),
    InvalidBucketName(400),
    InvalidDigest(400),
    InvalidObjectName(400),
    InvalidPart(400),
    InvalidPartOrder(400),
    InvalidRange(416),
    InvalidRequest(400),
    KeyTooLongError(400),
    KMSNotFound(400),
    MalformedPolicy(400),
    MalformedXML(400),
    MethodNotAllowed(405),
    MissingContentLength(411),
    NoSuchBucket(404),
    NoSuchBucketPolicy(404),
    NoSuchKey(404),
    NoSuchUpload(404),
    NoSuchVersion(404),
    NotImplemented(501),
    PreconditionFailed(412),
    /** A temporary failure (S3 answers it when it cannot serve now; SDKs retry a 503). */
    ServiceUnavailable(503),
    /** A signature that does not verify (issue 14: an aws-chunked chunk signature checked as the body is read). */
    SignatureDoesNotMatch(403),
    XAmzContentSHA256Mismatch(400);

    private final int httpStatus;

    S3ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The code as it appears in S3's {@code <Code>} element. */
    public String code() {
        return this == KMSNotFound ? "KMS.NotFoundException" : name();
    }
}
