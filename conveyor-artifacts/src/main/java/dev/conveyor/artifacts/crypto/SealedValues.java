package dev.conveyor.artifacts.crypto;

import dev.conveyor.store.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals short secret values for a database row (a stored secret, a secret access key): AES-256-GCM under a fresh
 * data key that one keyring key wraps, with the row's name as associated data, so a sealed value copied onto another
 * row does not open. Only the ciphertext (base64, nonce first) and the wrapped key are stored; the keyring is not.
 */
public final class SealedValues {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;

    /** What is stored for one value. */
    public record Sealed(WrappedKey key, String ciphertext) {
    }

    private final Keyring keyring;
    private final String keyAlias;

    /** Values sealed under the keyring key {@code keyAlias} (created on first use). */
    public SealedValues(Keyring keyring, String keyAlias) {
        this.keyring = keyring;
        this.keyAlias = keyAlias;
    }

    public Sealed seal(String boundTo, String value) {
        DataKey dataKey = keyring.newDataKey(keyAlias);
        byte[] key = dataKey.plaintext();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] ciphertext = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = new byte[NONCE_BYTES + ciphertext.length];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            System.arraycopy(ciphertext, 0, sealed, NONCE_BYTES, ciphertext.length);
            return new Sealed(dataKey.wrapped(), Base64.getEncoder().encodeToString(sealed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal the value of " + boundTo, e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The value sealed for {@code boundTo}; fails when the ciphertext, the row or the keyring was altered. */
    public String open(String boundTo, WrappedKey wrapped, String ciphertext) {
        byte[] key = keyring.unwrap(wrapped);
        byte[] bytes = Base64.getDecoder().decode(ciphertext);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the value of " + boundTo + " cannot be opened (altered store or keyring?)", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
