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

    private final SealedValues values;

    public SecretSealer(Keyring keyring) {
        this.values = new SealedValues(keyring, KEY_ALIAS);
    }

    public SealedSecret seal(String accessKeyId, String secret) {
        SealedValues.Sealed sealed = values.seal(accessKeyId, secret);
        return new SealedSecret(sealed.key(), sealed.ciphertext());
    }

    public String open(String accessKeyId, SealedSecret sealed) {
        return values.open(accessKeyId, sealed.key(), sealed.ciphertext());
    }
}
