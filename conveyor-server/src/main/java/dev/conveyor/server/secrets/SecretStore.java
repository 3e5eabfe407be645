package dev.conveyor.server.secrets;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.artifacts.crypto.SealedValues;
import dev.conveyor.store.Page;
import dev.conveyor.store.WrappedKey;
import dev.conveyor.store.secrets.SecretRepository;
import dev.conveyor.store.secrets.SecretRow;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Secrets by name, encrypted at rest: each value is sealed ({@link SealedValues}) under the keyring key
 * {@code alias/conveyor-secrets}, with the secret's name as associated data, so a ciphertext copied onto another
 * name does not open. The database holds only ciphertext and wrapped keys; the keyring lives
 * in {@code <data-dir>/keys}.
 */
public final class SecretStore {
    static final String KEY_ALIAS = "alias/conveyor-secrets";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ARN_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final SecretRepository repository;
    private final SealedValues values;
    private final Clock clock;

    public SecretStore(SecretRepository repository, Keyring keyring, Clock clock) {
        this.repository = repository;
        this.values = new SealedValues(keyring, KEY_ALIAS);
        this.clock = clock;
    }

    /** Creates a secret; false when one of that name exists. */
    public boolean create(String name, String value, String description, String parameterType) {
        SealedValues.Sealed sealed = values.seal(name, value);
        Instant now = clock.instant();
        return repository.insert(new SecretRow(name, arnSuffix(), description, parameterType == null ? "SecureString" : parameterType,
                1, sealed.key().keyId(), sealed.key().keyVersion(), sealed.key().wrapped(), sealed.ciphertext(), now, now));
    }

    /** Replaces an existing secret's value; the new version, or empty when there is no such secret. */
    public Optional<Long> replace(String name, String value, String description, String parameterType) {
        SealedValues.Sealed sealed = values.seal(name, value);
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
        return values.open(row.name(), new WrappedKey(row.keyId(), row.keyVersion(), row.wrappedKey()), row.ciphertext());
    }

    public boolean delete(String name) {
        return repository.delete(name);
    }

    public Page<SecretRow> list(int max, String afterName) {
        return repository.list(max, afterName);
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
