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

    /**
     * Where the keyring's contents are kept: a file of this process ({@link #file}), or a place every server replica
     * reaches (the database, issue 19). Keys are only ever added (new keys, new versions, new aliases), so a replica
     * that meets a key it does not know reloads, and a change is saved with a compare-and-set on a revision, made
     * again over what another replica saved meanwhile.
     */
    public interface Storage {
        /** The stored contents and their revision; empty contents (revision 0) when nothing is stored yet. */
        Stored load();

        /** Saves {@code contents} if the stored revision is still {@code revision}; false when another writer came first. */
        boolean save(long revision, Contents contents);
    }

    /** Contents at a revision. */
    public record Stored(long revision, Contents contents) {
    }

    private final Storage storage;
    private final Clock clock;
    private Contents contents;
    private long revision;

    public Keyring(Path keysDir, Clock clock) {
        this(file(keysDir), clock);
    }

    public Keyring(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
        reload();
    }

    /** The keyring file {@code keysDir/keyring.json}, owner-only, as a single process keeps it. */
    public static Storage file(Path keysDir) {
        Path file = keysDir.resolve("keyring.json");
        return new Storage() {
            @Override
            public Stored load() {
                try {
                    Files.createDirectories(keysDir);
                    return new Stored(1, Files.exists(file) ? JSON.readValue(file.toFile(), Contents.class)
                            : new Contents(new LinkedHashMap<>(), new LinkedHashMap<>()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the keyring " + file, e);
                }
            }

            @Override
            public boolean save(long revision, Contents contents) {
                write(file, contents);
                return true;
            }
        };
    }

    /** The contents as JSON (for storages that keep them elsewhere). */
    public static byte[] toJson(Contents contents) {
        try {
            return JSON.writeValueAsBytes(contents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Contents read back from {@link #toJson}. */
    public static Contents fromJson(byte[] json) {
        try {
            return JSON.readValue(json, Contents.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the keyring", e);
        }
    }

    private synchronized void reload() {
        Stored stored = storage.load();
        Contents loaded = stored.contents() == null ? new Contents(Map.of(), Map.of()) : stored.contents();
        contents = new Contents(new LinkedHashMap<>(loaded.keys()), new LinkedHashMap<>(loaded.aliases()));
        revision = stored.revision();
    }

    /** Reloads when the keyring does not know {@code ref} (another replica may have made it); true if it knows it now. */
    private synchronized boolean knowsAfterReload(String ref) {
        reload();
        return contents.keys().containsKey(ref) || contents.aliases().containsKey(ref);
    }

    /** Creates a key and returns its id. */
    public synchronized String createKey(String description) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        Key key = new Key(id, description, now, List.of(new KeyVersion(1, newMaterial(), now)));
        change(c -> c.keys().put(id, key));
        return id;
    }

    /** Points an alias ({@code alias/…}) at a key. */
    public synchronized void setAlias(String alias, String keyId) {
        if (!alias.startsWith("alias/") || !(contents.keys().containsKey(keyId) || knowsAfterReload(keyId))) {
            throw new IllegalArgumentException("an alias must start with alias/ and name an existing key: " + alias + " -> " + keyId);
        }
        change(c -> c.aliases().put(alias, keyId));
    }

    /** Adds a new version to a key; new data keys are wrapped with it, older versions still unwrap. Returns it. */
    public synchronized int rotate(String keyRef) {
        String keyId = resolve(keyRef, false);
        int[] next = new int[1];
        String material = newMaterial();
        long now = clock.millis();
        change(c -> {
            Key key = c.keys().get(keyId);
            List<KeyVersion> versions = new ArrayList<>(key.versions());
            next[0] = key.latest().version() + 1;
            versions.add(new KeyVersion(next[0], material, now));
            c.keys().put(key.keyId(), new Key(key.keyId(), key.description(), key.createdMillis(), List.copyOf(versions)));
        });
        return next[0];
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
            if (id == null && knowsAfterReload(ref)) {
                id = contents.aliases().get(ref);
            }
            if (id == null) {
                if (!createAlias) {
                    throw notFound(keyRef);
                }
                String alias = ref;
                String created = UUID.randomUUID().toString();
                long now = clock.millis();
                Key key = new Key(created, "created for " + ref, now, List.of(new KeyVersion(1, newMaterial(), now)));
                change(c -> {
                    if (!c.aliases().containsKey(alias)) { // another replica may have made it meanwhile: use theirs
                        c.keys().put(created, key);
                        c.aliases().put(alias, created);
                    }
                });
                return contents.aliases().get(alias);
            }
            return id;
        }
        if (!contents.keys().containsKey(ref) && !knowsAfterReload(ref)) {
            throw notFound(keyRef);
        }
        return ref;
    }

    /** A fresh data key wrapped by the latest version of the named key. */
    public DataKey newDataKey(String keyRef) {
        Key key;
        synchronized (this) {
            String keyId = resolve(keyRef, true); // first: it may replace the contents
            key = contents.keys().get(keyId);
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
            if (key == null || key.versions().stream().noneMatch(v -> v.version() == wrapped.keyVersion())) {
                reload(); // a key or a version another replica made
                key = contents.keys().get(wrapped.keyId());
            }
            if (key == null) {
                throw notFound(wrapped.keyId());
            }
            int wanted = wrapped.keyVersion();
            version = key.versions().stream().filter(v -> v.version() == wanted).findFirst();
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
        String keyId = resolve(keyRef, false);
        return contents.keys().get(keyId).versions();
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

    /** Applies {@code mutation} to the latest stored contents and saves them, again over a concurrent writer's change. */
    private synchronized void change(java.util.function.Consumer<Contents> mutation) {
        for (int attempt = 0; attempt < 100; attempt++) {
            Contents next = new Contents(new LinkedHashMap<>(contents.keys()), new LinkedHashMap<>(contents.aliases()));
            mutation.accept(next);
            if (storage.save(revision, next)) {
                contents = next;
                revision++;
                return;
            }
            reload();
        }
        throw new IllegalStateException("the keyring could not be saved: it kept changing under this writer");
    }

    private static void write(Path file, Contents contents) {
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
