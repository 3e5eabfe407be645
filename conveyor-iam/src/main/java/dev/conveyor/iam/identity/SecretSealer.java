package dev.conveyor.iam.identity;

import dev.conveyor.artifacts.crypto.DataKey;
import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.iam.store.SealedSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secret access keys for the database: AES-256-GCM under a fresh data key that the keyring key
 * {@code alias/conveyor-iam} wraps, with the access key id as associated data, so a sealed secret copied onto
 * another key id does not open. The keyring stays in {@code <data-dir>/keys}, never in the database.
 */
public final class SecretSealer {
    static final String KEY_ALIAS = "alias/conveyor-iam";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Keyring keyring;

    public SecretSealer(Keyring keyring) {
        this.keyring = keyring;
    }

    public SealedSecret seal(String accessKeyId, String secret) {
        DataKey dataKey = keyring.newDataKey(KEY_ALIAS);
        byte[] key = dataKey.plaintext();
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(accessKeyId.getBytes(StandardCharsets.UTF_8));
            byte[] ciphertext = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = new byte[nonce.length + ciphertext.length];
            System.arraycopy(nonce, 0, sealed, 0, nonce.length);
            System.arraycopy(ciphertext, 0, sealed, nonce.length, ciphertext.length);
            return new SealedSecret(dataKey.wrapped(), Base64.getEncoder().encodeToString(sealed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret access key", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    public String open(String accessKeyId, SealedSecret sealed) {
        byte[] key = keyring.unwrap(sealed.key());
        byte[] bytes = Base64.getDecoder().decode(sealed.ciphertext());
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, bytes, 0, 12));
            cipher.updateAAD(accessKeyId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(bytes, 12, bytes.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secret of access key " + accessKeyId + " cannot be opened (altered store or keyring?)", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
