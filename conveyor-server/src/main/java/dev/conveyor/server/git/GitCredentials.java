package dev.conveyor.server.git;

import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.identity.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a git request over HTTP comes from: HTTP Basic credentials, the user name an access key id (for temporary
 * credentials {@code <access key id>%<session token>}, as the AWS CLI's credential helper sends them) and the
 * password either the key's secret or the password {@code aws codecommit credential-helper} computes.
 *
 * <p>The credential helper's password is {@code <yyyyMMdd'T'HHmmss>Z<signature>}: a SigV4 signature (service
 * {@code codecommit}, the server's region) of the canonical request {@code GIT\n<repository path>\n\nhost:<host>\n\nhost\n},
 * the repository path as the client's URL names it ({@code /v1/repos/app}) and the host without its port, signed at
 * that time (awscli {@code customizations/codecommit.py}). It is accepted for 15 minutes either side of the server's
 * clock, as CodeCommit does. Secrets and signatures are compared in constant time.
 */
public final class GitCredentials {
    /** How far a credential helper password's time may be from the server's clock. */
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    /** Finds the signing key (secret, status, session) of an access key id. */
    @FunctionalInterface
    public interface KeyLookup {
        Optional<SigningKey> find(String accessKeyId);
    }

    /** An authenticated caller: the principal and the access key id it used. */
    public record Caller(Principal principal, String accessKeyId) {
    }

    /** Why credentials were refused: an AWS-style error code, a message, and the access key id claimed (or null). */
    public static final class Refused extends Exception {
        private final String errorCode;
        private final String accessKeyId;

        Refused(String errorCode, String message, String accessKeyId) {
            super(message, null, false, false);
            this.errorCode = errorCode;
            this.accessKeyId = accessKeyId;
        }

        public String errorCode() {
            return errorCode;
        }

        public String accessKeyId() {
            return accessKeyId;
        }

        /** Whether the request carried no credentials at all (git's first, anonymous, round trip). */
        public boolean missing() {
            return "MissingAuthenticationToken".equals(errorCode);
        }
    }

    private final KeyLookup keys;
    private final String region;
    private final Clock clock;

    public GitCredentials(KeyLookup keys, String region, Clock clock) {
        this.keys = keys;
        this.region = region;
        this.clock = clock;
    }

    /**
     * Authenticates a request's {@code Authorization} header.
     *
     * @param host           the request's Host header (its port is ignored, as the credential helper ignores it)
     * @param repositoryPath the repository's path as the request names it, e.g. {@code /v1/repos/team/app.git}
     */
    public Caller authenticate(String authorization, String host, String repositoryPath) throws Refused {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new Refused("MissingAuthenticationToken", "Git over HTTP needs credentials: an access key id and its secret, "
                    + "or the AWS CLI's credential helper", null);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused("IncompleteSignature", "The Authorization header is not valid Basic credentials", null);
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new Refused("IncompleteSignature", "The Authorization header is not valid Basic credentials", null);
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        int percent = user.indexOf('%');
        String accessKeyId = percent < 0 ? user : user.substring(0, percent);
        String sessionToken = percent < 0 ? null : user.substring(percent + 1);
        SigningKey key = keys.find(accessKeyId).orElseThrow(() ->
                new Refused("InvalidClientTokenId", "The security token included in the request is invalid.", accessKeyId));
        if (!key.active()) {
            throw new Refused("InvalidClientTokenId", "The security token included in the request is invalid.", accessKeyId);
        }
        if (key.sessionTokenHash() != null) {
            if (sessionToken == null || !equal(sha256Hex(sessionToken), key.sessionTokenHash())) {
                throw new Refused("InvalidClientTokenId", "The security token included in the request is invalid.", accessKeyId);
            }
            if (!clock.instant().isBefore(key.expiresAt())) {
                throw new Refused("ExpiredToken", "The security token included in the request is expired", accessKeyId);
            }
        }
        if (equal(password, key.secretAccessKey())) {
            return new Caller(key.principal(), accessKeyId);
        }
        if (helperPassword(password)) {
            Instant signedAt = timestamp(password, accessKeyId);
            Instant now = clock.instant();
            if (signedAt.isBefore(now.minus(WINDOW)) || signedAt.isAfter(now.plus(WINDOW))) {
                throw new Refused("RequestExpired", "The credential helper's password was made at " + signedAt
                        + ", more than 15 minutes from the server's time", accessKeyId);
            }
            String expected = helperSignature(key.secretAccessKey(), password.substring(0, 15), hostName(host), repositoryPath);
            if (equal(password.substring(16), expected)) {
                return new Caller(key.principal(), accessKeyId);
            }
        }
        throw new Refused("SignatureDoesNotMatch", "The password is neither the access key's secret nor a credential helper "
                + "password for this repository, host and region (" + region + ")", accessKeyId);
    }

    /** What {@code aws codecommit credential-helper get} answers as the password, for tests and tools. */
    public static String helperPassword(String secretAccessKey, Instant at, String region, String host, String repositoryPath) {
        String timestamp = TIMESTAMP.format(LocalDateTime.ofInstant(at, ZoneOffset.UTC));
        return timestamp + "Z" + signature(secretAccessKey, timestamp, region, hostName(host), repositoryPath);
    }

    private String helperSignature(String secret, String timestamp, String host, String repositoryPath) {
        return signature(secret, timestamp, region, host, repositoryPath);
    }

    private static String signature(String secret, String timestamp, String region, String host, String repositoryPath) {
        String canonical = "GIT\n" + repositoryPath + "\n\nhost:" + host + "\n\nhost\n";
        String date = timestamp.substring(0, 8);
        String stringToSign = "AWS4-HMAC-SHA256\n" + timestamp + "\n" + date + "/" + region + "/codecommit/aws4_request\n"
                + sha256Hex(canonical);
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, "codecommit");
        key = hmac(key, "aws4_request");
        return HexFormat.of().formatHex(hmac(key, stringToSign));
    }

    private static boolean helperPassword(String password) {
        return password.length() == 80 && password.charAt(8) == 'T' && password.charAt(15) == 'Z';
    }

    private static Instant timestamp(String password, String accessKeyId) throws Refused {
        try {
            return LocalDateTime.parse(password.substring(0, 15), TIMESTAMP).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new Refused("SignatureDoesNotMatch", "The credential helper's password has no valid time", accessKeyId);
        }
    }

    /** The host as the credential helper signs it: the URL's host without the port (as awscli splits it, at the first ':'). */
    static String hostName(String host) {
        return host == null ? "" : host.split(":", -1)[0];
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
