package dev.conveyor.iam.store;

import dev.conveyor.store.WrappedKey;

/** A secret as stored: AES-GCM ciphertext (base64, nonce first) and the data key it was sealed with, wrapped by the keyring. */
public record SealedSecret(WrappedKey key, String ciphertext) {
}
