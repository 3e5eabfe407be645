package dev.conveyor.artifacts.crypto;

import dev.conveyor.store.WrappedKey;
import java.util.Arrays;

/**
 * A fresh AES-256 data key for one object: the plaintext key (kept in memory only while the object is written
 * or read) and the same key wrapped by a keyring key, which is what is stored.
 */
public record DataKey(byte[] plaintext, WrappedKey wrapped) {
    public DataKey {
        plaintext = plaintext.clone();
    }

    @Override
    public byte[] plaintext() {
        return plaintext.clone();
    }

    @Override
    public String toString() {
        return "DataKey[" + wrapped.keyId() + " v" + wrapped.keyVersion() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataKey d && Arrays.equals(plaintext, d.plaintext) && wrapped.equals(d.wrapped);
    }

    @Override
    public int hashCode() {
        return wrapped.hashCode();
    }
}
