package dev.conveyor.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signatures of an {@code aws-chunked} body signed chunk by chunk ({@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD},
 * with or without a trailer): each chunk's signature chains from the previous one (the first from the request's
 * seed signature) over the SHA-256 of its data, as SigV4 streaming defines. Handed by the authenticator to the S3
 * endpoint (as the request attribute {@link #ATTRIBUTE}) once the seed signature verified; one instance per request.
 */
public final class ChunkSignatures {
    public static final String ATTRIBUTE = ChunkSignatures.class.getName();
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final byte[] signingKey;
    private final String amzDate;
    private final String scope;
    private final boolean signedTrailer;
    private String previous;

    /** @param signedTrailer {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER}: the trailing headers are signed too */
    ChunkSignatures(byte[] signingKey, String amzDate, String scope, String seedSignature, boolean signedTrailer) {
        this.signedTrailer = signedTrailer;
        this.signingKey = signingKey.clone();
        this.amzDate = amzDate;
        this.scope = scope;
        this.previous = seedSignature;
    }

    /** Whether the body ends with trailing headers and their own signature ({@code x-amz-trailer-signature}). */
    public boolean signedTrailer() {
        return signedTrailer;
    }

    /**
     * Whether {@code signature} signs the trailing headers, given canonically ({@code name:value\n} for each, names
     * lower-case and sorted, the signature itself left out), chained from the final (empty) chunk's signature:
     * {@code AWS4-HMAC-SHA256-TRAILER}, as SigV4 streaming with trailers defines.
     */
    public boolean verifyTrailer(String signature, String canonicalTrailers) {
        String stringToSign = "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n" + previous + "\n"
                + HexFormat.of().formatHex(sha256(canonicalTrailers.getBytes(StandardCharsets.UTF_8)));
        String expected = hmacHex(stringToSign);
        return signature != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String hmacHex(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code signature} is the next chunk's, for data whose SHA-256 is {@code dataSha256}; it then chains on. */
    public boolean verifyNext(String signature, byte[] dataSha256) {
        String stringToSign = "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n" + previous + "\n" + EMPTY_SHA256 + "\n"
                + HexFormat.of().formatHex(dataSha256);
        String expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            expected = HexFormat.of().formatHex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        boolean valid = signature != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
        if (valid) {
            previous = expected;
        }
        return valid;
    }
}
