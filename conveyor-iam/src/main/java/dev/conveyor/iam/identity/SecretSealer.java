package dev.conveyor.iam.identity;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.artifacts.crypto.SealedValues;
import dev.conveyor.iam.store.SealedSecret;

/**
 * Seals secret access keys for the database under the keyring key {@code alias/conveyor-iam}, with the access key id
 * as associated data, so a sealed secret copied onto another key id does not open (see {@link SealedValues}). The
 * keyring stays in {@code <data-dir>/keys}, never in the database.
 */
public final class SecretSealer {
    static final String KEY_ALIAS = "alias/conveyor-iam";

    /** Opened secrets by key id and ciphertext: unwrapping a data key per request cost most of a signature check. */
    private static final int MAX_OPENED = 10_000;
    private final SealedValues values;
    private final java.util.concurrent.ConcurrentHashMap<String, String> opened = new java.util.concurrent.ConcurrentHashMap<>();

    public SecretSealer(Keyring keyring) {
        this.values = new SealedValues(keyring, KEY_ALIAS);
    }

    public SealedSecret seal(String accessKeyId, String secret) {
        SealedValues.Sealed sealed = values.seal(accessKeyId, secret);
        return new SealedSecret(sealed.key(), sealed.ciphertext());
    }

    /**
     * The secret sealed for {@code accessKeyId}. Remembered by key id and ciphertext (a changed or deleted key is a
     * different ciphertext or no row at all, so what is remembered never outlives what is stored): the secrets are
     * in this process's memory as long as the server runs, as they are while a request is verified.
     */
    public String open(String accessKeyId, SealedSecret sealed) {
        String cacheKey = accessKeyId + '\n' + sealed.ciphertext();
        String secret = opened.get(cacheKey);
        if (secret == null) {
            secret = values.open(accessKeyId, sealed.key(), sealed.ciphertext());
            if (opened.size() >= MAX_OPENED) {
                opened.clear();
            }
            opened.put(cacheKey, secret);
        }
        return secret;
    }
}
