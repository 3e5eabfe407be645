package dev.conveyor.server.auth;

import dev.conveyor.iam.identity.SigningKey;
import dev.conveyor.iam.identity.SigningKeys;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * SigV4 verified on every request against the access keys IAM holds (users' keys, the administrator's, role
 * sessions' temporary credentials): the key must exist and be active, temporary credentials must carry their own
 * unexpired session token, and the signature (header or presigned URL) must verify with the key's secret within
 * 15 minutes of the server's clock (a presigned URL until its X-Amz-Expires). A body the client declared with
 * {@code x-amz-content-sha256} is checked by the API that reads it (S3); bodies signed without that header are
 * hashed here. Unsigned requests are refused ({@link AuthenticationException.Failure#MISSING}); the S3 endpoint
 * decides itself whether a bucket policy lets anonymous callers in. Failures are counted per key and address
 * ({@link FailedAuthentications}).
 */
public final class SignatureAuthenticator implements RequestAuthenticator {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SignatureAuthenticator.class);
    private final SigningKeys keys;
    private final FailedAuthentications failures;
    private final Clock clock;
    private final Clock signatureClock;

    public SignatureAuthenticator(SigningKeys keys, FailedAuthentications failures, Clock clock) {
        this(keys, failures, clock, clock);
    }

    /**
     * @param clock          the server's clock: temporary credentials expire by it
     * @param signatureClock what a signature's time (15 minutes either way, a presigned URL's expiry) is checked
     *                       against: the host's clock, as clients sign with theirs (the same clock in production;
     *                       tests that move the server's clock forward keep signing with real time)
     */
    public SignatureAuthenticator(SigningKeys keys, FailedAuthentications failures, Clock clock, Clock signatureClock) {
        this.keys = keys;
        this.failures = failures;
        this.clock = clock;
        this.signatureClock = signatureClock;
    }

    @Override
    public Caller authenticate(HttpServletRequest request, Optional<SigV4Credential> credential, Supplier<String> payloadHash) {
        String address = request.getRemoteAddr();
        String authorization = request.getHeader("Authorization");
        String keyId = credential.map(SigV4Credential::accessKeyId).orElse(null);
        long retryAfter = failures.retryAfterSeconds(keyId, address);
        if (retryAfter > 0) {
            throw new AuthenticationException(AuthenticationException.Failure.THROTTLED,
                    AuthenticationException.Failure.THROTTLED.jsonMessage, AuthenticationException.Failure.THROTTLED.s3Message, retryAfter);
        }
        try {
            return verify(request, credential, authorization, payloadHash);
        } catch (AuthenticationException e) {
            if (e.failure() != AuthenticationException.Failure.MISSING && e.failure() != AuthenticationException.Failure.THROTTLED) {
                failures.failed(keyId, address, e.failure() == AuthenticationException.Failure.UNKNOWN_KEY);
            }
            LOG.info("refused {} {} from {} (key {}): {}", request.getMethod(), request.getRequestURI(), address, keyId, e.failure());
            throw e;
        }
    }

    private Caller verify(HttpServletRequest request, Optional<SigV4Credential> credential, String authorization,
                          Supplier<String> payloadHash) {
        if (credential.isEmpty()) {
            if (authorization != null && authorization.startsWith("AWS ")) {
                throw new AuthenticationException(AuthenticationException.Failure.UNSUPPORTED);
            }
            if (authorization != null || request.getParameter("X-Amz-Signature") != null) {
                throw new AuthenticationException(AuthenticationException.Failure.MALFORMED);
            }
            throw new AuthenticationException(AuthenticationException.Failure.MISSING);
        }
        String accessKeyId = credential.get().accessKeyId();
        Optional<SigningKey> found = keys.find(accessKeyId);
        if (found.isEmpty() || !found.get().active()) {
            long retryAfter = failures.unknownKeysRetryAfterSeconds(request.getRemoteAddr());
            if (retryAfter > 0) {
                throw new AuthenticationException(AuthenticationException.Failure.THROTTLED,
                        AuthenticationException.Failure.THROTTLED.jsonMessage, AuthenticationException.Failure.THROTTLED.s3Message, retryAfter);
            }
            throw new AuthenticationException(AuthenticationException.Failure.UNKNOWN_KEY);
        }
        SigningKey key = found.get();
        Instant now = clock.instant();
        if (key.sessionTokenHash() != null) {
            String token = request.getHeader("X-Amz-Security-Token");
            if (token == null) {
                token = request.getParameter("X-Amz-Security-Token");
            }
            if (token == null || !MessageDigest.isEqual(sha256Hex(token.getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII),
                    key.sessionTokenHash().getBytes(StandardCharsets.US_ASCII))) {
                throw new AuthenticationException(AuthenticationException.Failure.INVALID_TOKEN);
            }
            if (!now.isBefore(key.expiresAt())) {
                throw new AuthenticationException(AuthenticationException.Failure.EXPIRED_TOKEN);
            }
        }
        String declared = request.getHeader("x-amz-content-sha256");
        String bodyHash = declared == null && payloadHash != null ? payloadHash.get() : null;
        Instant signedNow = signatureClock.instant();
        SigV4Verifier.Result result = SigV4Verifier.verify(request, key.secretAccessKey(), bodyHash == null ? "UNSIGNED-PAYLOAD" : bodyHash,
                signedNow);
        if (!result.valid()) {
            throw refusal(result, request, signedNow);
        }
        ChunkSignatures chunks = SigV4Verifier.chunkSignatures(request, key.secretAccessKey());
        if (chunks != null) {
            request.setAttribute(ChunkSignatures.ATTRIBUTE, chunks); // the S3 endpoint verifies each chunk as it reads it
        }
        return Caller.authenticated(accessKeyId, key.principal());
    }

    private static AuthenticationException refusal(SigV4Verifier.Result result, HttpServletRequest request, Instant now) {
        return switch (result.errorCode()) {
            case "RequestTimeTooSkewed" -> {
                String signedAt = request.getHeader("x-amz-date");
                String json = "Signature expired: " + signedAt + " is now earlier than " + SigV4Verifier.amzDate(now.minusSeconds(900))
                        + " (" + SigV4Verifier.amzDate(now) + " - 15 min.)";
                yield new AuthenticationException(AuthenticationException.Failure.SKEWED, json,
                        AuthenticationException.Failure.SKEWED.s3Message, 0);
            }
            case "SignatureDoesNotMatch" -> new AuthenticationException(AuthenticationException.Failure.BAD_SIGNATURE);
            case "AccessDenied" -> "Request has expired".equals(result.message())
                    ? new AuthenticationException(AuthenticationException.Failure.PRESIGNED_EXPIRED)
                    : new AuthenticationException(AuthenticationException.Failure.MALFORMED, result.message(), result.message(), 0);
            default -> new AuthenticationException(AuthenticationException.Failure.MALFORMED, result.message(), result.message(), 0);
        };
    }

    /** The hex SHA-256 of {@code bytes}, as SigV4 hashes payloads. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(Digests.sha256().digest(bytes));
    }
}
