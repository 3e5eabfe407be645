package dev.conveyor.artifacts.crypto;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.store.WrappedKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local stand-in for KMS: AES-256 keys under {@code <dataDir>/keys/keyring.json} (owner-only permissions),
 * each with its versions and any aliases. Objects are encrypted with a fresh data key that the latest version of a
 * keyring key wraps; rotation adds a version, and older versions stay to unwrap what they wrapped.
 *
 * <p>Keys are named as in KMS: a key id (a UUID), {@code alias/name}, or an ARN of either. An alias that does not
 * exist yet is created with a new key on first use for encryption, so a pipeline may simply name
 * {@code alias/my-artifacts}; an unknown key id is an error.
 */
public final class Keyring {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A version of a key: its material (base64) and when it was created. */
    public record KeyVersion(int version, String material, long createdMillis) {
    }

    /** A key and its versions, oldest first. */
    public record Key(String keyId, String description, long createdMillis, List<KeyVersion> versions) {
        KeyVersion latest() {
            return versions.getLast();
        }
    }

    /** The file's content. */
    public record Contents(Map<String, Key> keys, Map<String, String> aliases) {
    }

    private final Path file;
    private final Clock clock;
    private Contents contents;

    public Keyring(Path keysDir, Clock clock) {
        this.file = keysDir.resolve("keyring.json");
        this.clock = clock;
        try {
            Files.createDirectories(keysDir);
            contents = Files.exists(file) ? JSON.readValue(file.toFile(), Contents.class)
                    : new Contents(new LinkedHashMap<>(), new LinkedHashMap<>());
            contents = new Contents(new LinkedHashMap<>(contents.keys()), new LinkedHashMap<>(contents.aliases()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the keyring " + file, e);
        }
    }

    /** Creates a key and returns its id. */
    public synchronized String createKey(String description) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        contents.keys().put(id, new Key(id, description, now, List.of(new KeyVersion(1, newMaterial(), now))));
        save();
        return id;
    }

    /** Points an alias ({@code alias/…}) at a key. */
    public synchronized void setAlias(String alias, String keyId) {
        if (!alias.startsWith("alias/") || !contents.keys().containsKey(keyId)) {
            throw new IllegalArgumentException("an alias must start with alias/ and name an existing key: " + alias + " -> " + keyId);
        }
        contents.aliases().put(alias, keyId);
        save();
    }

    /** Adds a new version to a key; new data keys are wrapped with it, older versions still unwrap. Returns it. */
    public synchronized int rotate(String keyRef) {
        Key key = contents.keys().get(resolve(keyRef, false));
        List<KeyVersion> versions = new ArrayList<>(key.versions());
        int next = key.latest().version() + 1;
        versions.add(new KeyVersion(next, newMaterial(), clock.millis()));
        contents.keys().put(key.keyId(), new Key(key.keyId(), key.description(), key.createdMillis(), List.copyOf(versions)));
        save();
        return next;
    }

    /**
     * The key id a reference names (creating the key behind a new alias when {@code createAlias}).
     *
     * @throws S3Exception KMS.NotFoundException when there is no such key
     */
    public synchronized String resolve(String keyRef, boolean createAlias) {
        String ref = keyRef;
        if (ref.startsWith("arn:")) {
            int colon = ref.lastIndexOf(':');
            ref = ref.substring(colon + 1);
            if (ref.startsWith("key/")) {
                ref = ref.substring("key/".length());
            }
        }
        if (ref.startsWith("alias/")) {
            String id = contents.aliases().get(ref);
            if (id == null) {
                if (!createAlias) {
                    throw notFound(keyRef);
                }
                String created = UUID.randomUUID().toString();
                long now = clock.millis();
                contents.keys().put(created, new Key(created, "created for " + ref, now, List.of(new KeyVersion(1, newMaterial(), now))));
                contents.aliases().put(ref, created);
                save();
                return created;
            }
            return id;
        }
        if (!contents.keys().containsKey(ref)) {
            throw notFound(keyRef);
        }
        return ref;
    }

    /** A fresh data key wrapped by the latest version of the named key. */
    public DataKey newDataKey(String keyRef) {
        Key key;
        synchronized (this) {
            key = contents.keys().get(resolve(keyRef, true));
        }
        KeyVersion version = key.latest();
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, material(version), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad(key.keyId(), version.version()));
            byte[] sealed = cipher.doFinal(dataKey);
            byte[] wrapped = new byte[12 + sealed.length];
            System.arraycopy(nonce, 0, wrapped, 0, 12);
            System.arraycopy(sealed, 0, wrapped, 12, sealed.length);
            return new DataKey(dataKey, new WrappedKey(key.keyId(), version.version(), Base64.getEncoder().encodeToString(wrapped)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap a data key", e);
        }
    }

    /** Unwraps a stored data key. */
    public byte[] unwrap(WrappedKey wrapped) {
        Optional<KeyVersion> version;
        synchronized (this) {
            Key key = contents.keys().get(wrapped.keyId());
            if (key == null) {
                throw notFound(wrapped.keyId());
            }
            version = key.versions().stream().filter(v -> v.version() == wrapped.keyVersion()).findFirst();
        }
        if (version.isEmpty()) {
            throw new S3Exception(S3ErrorCode.KMSNotFound, "Key " + wrapped.keyId() + " has no version " + wrapped.keyVersion(), null);
        }
        byte[] bytes = Base64.getDecoder().decode(wrapped.wrapped());
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, material(version.get()), new GCMParameterSpec(128, bytes, 0, 12));
            cipher.updateAAD(aad(wrapped.keyId(), wrapped.keyVersion()));
            return cipher.doFinal(bytes, 12, bytes.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot unwrap a data key of key " + wrapped.keyId() + " (altered keyring?)", e);
        }
    }

    /** The aliases pointing at a key. */
    public synchronized List<String> aliases(String keyId) {
        return contents.aliases().entrySet().stream().filter(e -> e.getValue().equals(keyId)).map(Map.Entry::getKey).toList();
    }

    /** The versions a key has. */
    public synchronized List<KeyVersion> versions(String keyRef) {
        return contents.keys().get(resolve(keyRef, false)).versions();
    }

    private static S3Exception notFound(String keyRef) {
        return new S3Exception(S3ErrorCode.KMSNotFound, "Invalid keyId " + keyRef + ": no such key in the keyring", null);
    }

    private static byte[] aad(String keyId, int version) {
        return (keyId + ":" + version).getBytes(StandardCharsets.UTF_8);
    }

    private static SecretKeySpec material(KeyVersion version) {
        return new SecretKeySpec(Base64.getDecoder().decode(version.material()), "AES");
    }

    private static String newMaterial() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private void save() {
        try {
            Path temp = file.resolveSibling("keyring.json.tmp");
            Files.deleteIfExists(temp);
            try {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(temp);
            }
            Files.write(temp, JSON.writeValueAsBytes(contents));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the keyring " + file, e);
        }
    }
}
