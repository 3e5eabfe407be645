package dev.conveyor.server.auth;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SHA-256 digests and HMAC-SHA256 MACs for signature verification, made by copying a prototype rather than asking
 * the security providers each time: {@code MessageDigest.getInstance} and {@code Mac.getInstance} look the algorithm
 * up among the providers and allocate their service objects on every call, several per signed request (issue 20:
 * allocation per request). Copies rather than per-thread instances: requests ran on a virtual thread each, and now
 * up to a thousand pooled threads would each keep their own.
 */
final class Digests {
    private static final MessageDigest SHA256 = newSha256();

    private Digests() {
    }

    /** A fresh SHA-256 digest. */
    static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    /** A fresh HMAC-SHA256 keyed with {@code key}. */
    static Mac hmacSha256(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A copy of {@code keyed} in its initial state (a MAC that has not been updated), to sign with while
     * {@code keyed} stays untouched; the JDK's HMAC copies its key schedule rather than computing it again.
     */
    static Mac copy(Mac keyed) {
        try {
            return (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 of this JDK cannot be copied", e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
