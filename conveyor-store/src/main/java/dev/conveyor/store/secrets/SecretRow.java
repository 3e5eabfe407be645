package dev.conveyor.store.secrets;

import java.time.Instant;

/**
 * A stored secret. {@code ciphertext} is base64 of a 12-byte nonce followed by the AES-GCM sealed value, under a
 * data key that version {@code keyVersion} of keyring key {@code keyId} wraps ({@code wrappedKey}).
 * {@code parameterType} is SSM's type (String, StringList or SecureString); {@code version} counts changes from 1.
 */
public record SecretRow(String name, String arnSuffix, String description, String parameterType, long version, String keyId,
                        int keyVersion, String wrappedKey, String ciphertext, Instant createdAt, Instant updatedAt) {
}
