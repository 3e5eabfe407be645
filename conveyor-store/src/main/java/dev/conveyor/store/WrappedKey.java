package dev.conveyor.store;

/**
 * The data key of an encrypted object, wrapped (encrypted) by version {@code keyVersion} of the keyring key
 * {@code keyId}; {@code wrapped} is base64.
 */
public record WrappedKey(String keyId, int keyVersion, String wrapped) {
}
