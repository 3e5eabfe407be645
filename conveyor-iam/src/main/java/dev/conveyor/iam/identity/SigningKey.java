package dev.conveyor.iam.identity;

import java.time.Instant;

/**
 * What verifying a signature needs to know of an access key: whose it is, its secret, and for temporary credentials
 * the SHA-256 of their session token and their expiry (both null for a user's long-term key).
 */
public record SigningKey(Principal principal, String secretAccessKey, boolean active, String sessionTokenHash, Instant expiresAt) {
    @Override
    public String toString() {
        return "SigningKey[" + principal.arn() + "]";
    }
}
