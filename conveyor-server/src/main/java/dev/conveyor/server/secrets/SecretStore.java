package dev.conveyor.server.secrets;

import dev.conveyor.artifacts.crypto.DataKey;
import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.store.Page;
import dev.conveyor.store.WrappedKey;
import dev.conveyor.store.secrets.SecretRepository;
import dev.conveyor.store.secrets.SecretRow;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets by name, encrypted at rest: each value is sealed with AES-256-GCM under a fresh data key that the
 * keyring key {@code alias/conveyor-secrets} wraps, with the secret's name as associated data, so a ciphertext
 * copied onto another name does not open. The database holds only ciphertext and wrapped keys; the keyring lives
 * in {@code <data-dir>/keys}.
 */
public final class SecretStore {
    static final String KEY_ALIAS = "alias/conveyor-secrets";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ARN_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final SecretRepository repository;
    private final Keyring keyring;
    private final Clock clock;

    public SecretStore(SecretRepository repository, Keyring keyring, Clock clock) {
        this.repository = repository;
        this.keyring = keyring;
        this.clock = clock;
    }

    /** Creates a secret; false when one of that name exists. */
    public boolean create(String name, String value, String description, String parameterType) {
        Sealed sealed = seal(name, value);
        Instant now = clock.instant();
        return repository.insert(new SecretRow(name, arnSuffix(), description, parameterType == null ? "SecureString" : parameterType,
                1, sealed.key().keyId(), sealed.key().keyVersion(), sealed.key().wrapped(), sealed.ciphertext(), now, now));
    }

    /** Replaces an existing secret's value; the new version, or empty when there is no such secret. */
    public Optional<Long> replace(String name, String value, String description, String parameterType) {
        Sealed sealed = seal(name, value);
        return repository.replaceValue(name, description, parameterType, sealed.key().keyId(), sealed.key().keyVersion(),
                sealed.key().wrapped(), sealed.ciphertext(), clock.instant());
    }

    public Optional<SecretRow> describe(String name) {
        return repository.find(name);
    }

    /** The secret's value, decrypted, or empty when there is no such secret. */
    public Optional<String> value(String name) {
        return repository.find(name).map(this::open);
    }

    public String open(SecretRow row) {
        byte[] key = keyring.unwrap(new WrappedKey(row.keyId(), row.keyVersion(), row.wrappedKey()));
        byte[] sealed = Base64.getDecoder().decode(row.ciphertext());
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 0, 12));
            cipher.updateAAD(row.name().getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, 12, sealed.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret " + row.name() + " cannot be decrypted (altered store or keyring?)", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    public boolean delete(String name) {
        return repository.delete(name);
    }

    public Page<SecretRow> list(int max, String afterName) {
        return repository.list(max, afterName);
    }

    private record Sealed(WrappedKey key, String ciphertext) {
    }

    private Sealed seal(String name, String value) {
        DataKey dataKey = keyring.newDataKey(KEY_ALIAS);
        byte[] key = dataKey.plaintext();
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            byte[] ciphertext = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = new byte[12 + ciphertext.length];
            System.arraycopy(nonce, 0, sealed, 0, 12);
            System.arraycopy(ciphertext, 0, sealed, 12, ciphertext.length);
            return new Sealed(dataKey.wrapped(), Base64.getEncoder().encodeToString(sealed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a secret", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Six random characters, as Secrets Manager appends to a secret's ARN. */
    private static String arnSuffix() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append(ARN_SUFFIX_CHARS.charAt(RANDOM.nextInt(ARN_SUFFIX_CHARS.length())));
        }
        return s.toString();
    }
}
