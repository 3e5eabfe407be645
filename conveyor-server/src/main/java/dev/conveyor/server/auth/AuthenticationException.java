package dev.conveyor.server.auth;

import dev.conveyor.model.errors.ServiceException;

/**
 * A request refused before any API saw it because of who (or what) signed it. One failure, answered in each
 * protocol's own words: {@link #errorType()} for the AWS JSON APIs (as CodePipeline and the other JSON services
 * answer), {@link #s3Code()} and {@link #s3Status()} for S3, {@link #queryCode()} for IAM and STS.
 */
public final class AuthenticationException extends ServiceException {
    /** What was wrong, with each protocol's error code, status and message. */
    public enum Failure {
        /** No signature at all. */
        MISSING("MissingAuthenticationTokenException", 400, "Missing Authentication Token",
                "AccessDenied", 403, "Access Denied", "MissingAuthenticationToken"),
        /** An access key id nobody issued, or an inactive one. */
        UNKNOWN_KEY("UnrecognizedClientException", 400, "The security token included in the request is invalid.",
                "InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.", "InvalidClientTokenId"),
        /** The signature does not verify with the key's secret. */
        BAD_SIGNATURE("InvalidSignatureException", 400, "The request signature we calculated does not match the signature you "
                + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                "SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. "
                + "Check your key and signing method.", "SignatureDoesNotMatch"),
        /** Signed more than 15 minutes away from the server's clock. */
        SKEWED("InvalidSignatureException", 400, "Signature expired",
                "RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large.",
                "RequestExpired"),
        /** A presigned URL past its X-Amz-Expires. */
        PRESIGNED_EXPIRED("InvalidSignatureException", 400, "Signature expired",
                "AccessDenied", 403, "Request has expired", "RequestExpired"),
        /** An Authorization header or presigned URL that is not a well-formed SigV4 signature. */
        MALFORMED("IncompleteSignatureException", 400, "The request signature is malformed",
                "AuthorizationHeaderMalformed", 400, "The authorization header is malformed", "IncompleteSignature"),
        /** A signature scheme other than SigV4 (S3's old SigV2). */
        UNSUPPORTED("IncompleteSignatureException", 400, "Only AWS Signature Version 4 (AWS4-HMAC-SHA256) is accepted",
                "InvalidRequest", 400, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
                "IncompleteSignature"),
        /** Temporary credentials whose session token is missing or not theirs. */
        INVALID_TOKEN("UnrecognizedClientException", 400, "The security token included in the request is invalid.",
                "InvalidToken", 400, "The provided token is malformed or otherwise invalid.", "InvalidClientTokenId"),
        /** Temporary credentials past their expiry. */
        EXPIRED_TOKEN("ExpiredTokenException", 400, "The security token included in the request is expired",
                "ExpiredToken", 400, "The provided token has expired.", "ExpiredToken"),
        /** Too many failed authentications from this key or address: try again later. */
        THROTTLED("ThrottlingException", 429, "Rate exceeded: too many failed authentications; retry later",
                "SlowDown", 503, "Please reduce your request rate.", "Throttling");

        final String jsonType;
        final int jsonStatus;
        final String jsonMessage;
        final String s3Code;
        final int s3Status;
        final String s3Message;
        final String queryCode;

        Failure(String jsonType, int jsonStatus, String jsonMessage, String s3Code, int s3Status, String s3Message, String queryCode) {
            this.jsonType = jsonType;
            this.jsonStatus = jsonStatus;
            this.jsonMessage = jsonMessage;
            this.s3Code = s3Code;
            this.s3Status = s3Status;
            this.s3Message = s3Message;
            this.queryCode = queryCode;
        }
    }

    private final Failure failure;
    private final String s3Message;
    private final long retryAfterSeconds;

    public AuthenticationException(Failure failure) {
        this(failure, failure.jsonMessage, failure.s3Message, 0);
    }

    /** With messages that say more than the failure's default (e.g. the times of an expired signature). */
    public AuthenticationException(Failure failure, String jsonMessage, String s3Message, long retryAfterSeconds) {
        super(jsonMessage, null, failure.jsonStatus);
        this.failure = failure;
        this.s3Message = s3Message;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Failure failure() {
        return failure;
    }

    @Override
    public String errorType() {
        return failure.jsonType;
    }

    public String s3Code() {
        return failure.s3Code;
    }

    public int s3Status() {
        return failure.s3Status;
    }

    public String s3Message() {
        return s3Message;
    }

    /** The IAM/STS Query protocol's error code. */
    public String queryCode() {
        return failure.queryCode;
    }

    /** For {@link Failure#THROTTLED}: when to try again (the Retry-After header), else 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
