package dev.conveyor.cluster;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyring kept in the database, so that every replica decrypts what another encrypted (issue 19). Its contents
 * are one row, sealed with AES-256-GCM under a master key when one is configured ({@code --master-key-file}: the same
 * file, 32 random bytes base64, on every replica, kept apart from database backups); without one they are stored as
 * the keyring file would be, and the database's own protection is all there is.
 *
 * <p>On its first use with a database that holds no keyring, the keyring file of {@code <data-dir>/keys} (a server
 * that ran alone before) is imported, so what it encrypted stays readable.
 */
public final class DatabaseKeyring implements Keyring.Storage {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] AAD = "conveyor-keyring".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final Database database;
    private final SecretKeySpec masterKey;
    private final Keyring.Storage legacy;
    private final Clock clock;

    private DatabaseKeyring(Database database, SecretKeySpec masterKey, Keyring.Storage legacy, Clock clock) {
        this.database = database;
        this.masterKey = masterKey;
        this.legacy = legacy;
        this.clock = clock;
    }

    /**
     * The keyring storage in {@code database}, sealed with the master key in {@code masterKeyFile} (or null for none),
     * importing {@code legacyKeysDir}'s keyring file when the database has none yet.
     */
    public static DatabaseKeyring open(Database database, Path masterKeyFile, Path legacyKeysDir, Clock clock) {
        ClusterSchema.migrate(database);
        return new DatabaseKeyring(database, masterKeyFile == null ? null : readMasterKey(masterKeyFile),
                legacyKeysDir == null ? null : Keyring.file(legacyKeysDir), clock);
    }

    static SecretKeySpec readMasterKey(Path file) {
        try {
            byte[] key = Base64.getDecoder().decode(Files.readString(file).strip());
            if (key.length != 32) {
                throw new IllegalArgumentException("the master key in " + file + " must be 32 bytes, base64 (openssl rand -base64 32)");
            }
            return new SecretKeySpec(key, "AES");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the master key in " + file + " must be 32 bytes, base64 (openssl rand -base64 32)", e);
        }
    }

    @Override
    public Keyring.Stored load() {
        Keyring.Stored stored = database.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT revision, sealed, contents FROM cluster_keyring WHERE id = 1");
                 ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                return new Keyring.Stored(r.getLong(1), Keyring.fromJson(r.getBoolean(2) ? open(r.getBytes(3)) : r.getBytes(3)));
            }
        });
        if (stored != null) {
            return stored;
        }
        if (legacy != null) {
            Keyring.Contents imported = legacy.load().contents();
            if (!imported.keys().isEmpty()) {
                save(0, imported); // a concurrent first start may win: then its row is read back below
                return load();
            }
        }
        return new Keyring.Stored(0, null);
    }

    @Override
    public boolean save(long revision, Keyring.Contents contents) {
        byte[] json = Keyring.toJson(contents);
        byte[] stored = masterKey == null ? json : seal(json);
        Timestamp now = Timestamp.from(clock.instant());
        return database.inTransaction(c -> {
            if (revision == 0) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_keyring (id, revision, sealed, contents, updated_at) "
                        + "VALUES (1, 1, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                    s.setBoolean(1, masterKey != null);
                    s.setBytes(2, stored);
                    s.setTimestamp(3, now);
                    return s.executeUpdate() == 1;
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE cluster_keyring SET revision = revision + 1, sealed = ?, contents = ?, "
                    + "updated_at = ? WHERE id = 1 AND revision = ?")) {
                s.setBoolean(1, masterKey != null);
                s.setBytes(2, stored);
                s.setTimestamp(3, now);
                s.setLong(4, revision);
                return s.executeUpdate() == 1;
            }
        });
    }

    private byte[] seal(byte[] plain) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, masterKey, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(AAD);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = new byte[12 + sealed.length];
            System.arraycopy(nonce, 0, out, 0, 12);
            System.arraycopy(sealed, 0, out, 12, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal the keyring", e);
        }
    }

    private byte[] open(byte[] sealed) {
        if (masterKey == null) {
            throw new IllegalStateException("the keyring in the database is sealed with a master key: start with --master-key-file");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, masterKey, new GCMParameterSpec(128, sealed, 0, 12));
            cipher.updateAAD(AAD);
            return cipher.doFinal(sealed, 12, sealed.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the keyring in the database cannot be opened with this master key (another key?)", e);
        }
    }
}
