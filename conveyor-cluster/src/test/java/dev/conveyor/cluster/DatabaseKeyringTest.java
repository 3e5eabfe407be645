package dev.conveyor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.crypto.DataKey;
import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseKeyringTest {
    @TempDir
    Path dir;

    @Test
    void aReplicaDecryptsWhatAnotherEncryptedUnderAKeyMadeAfterItStarted() {
        String url = TestDatabases.freshUrl("postgresql");
        try (Database a = Database.open(url); Database b = Database.open(url)) {
            Keyring first = new Keyring(DatabaseKeyring.open(a, null, null, Clock.systemUTC()), Clock.systemUTC());
            Keyring second = new Keyring(DatabaseKeyring.open(b, null, null, Clock.systemUTC()), Clock.systemUTC());
            DataKey key = first.newDataKey("alias/artifacts"); // the alias and its key are made now, by the first
            assertThat(second.unwrap(key.wrapped())).isEqualTo(key.plaintext());

            first.rotate("alias/artifacts");
            DataKey rotated = first.newDataKey("alias/artifacts");
            assertThat(rotated.wrapped().keyVersion()).isEqualTo(2);
            assertThat(second.unwrap(rotated.wrapped())).isEqualTo(rotated.plaintext());
            assertThat(second.resolve("alias/artifacts", false)).isEqualTo(key.wrapped().keyId());
        }
    }

    @Test
    void replicasCreatingTheSameAliasAtOnceAgreeOnOneKey() throws Exception {
        String url = TestDatabases.freshUrl("postgresql");
        try (Database a = Database.open(url); Database b = Database.open(url)) {
            List<Keyring> replicas = List.of(new Keyring(DatabaseKeyring.open(a, null, null, Clock.systemUTC()), Clock.systemUTC()),
                    new Keyring(DatabaseKeyring.open(b, null, null, Clock.systemUTC()), Clock.systemUTC()));
            Set<String> keyIds = ConcurrentHashMap.newKeySet();
            try (var pool = Executors.newFixedThreadPool(8)) {
                var futures = IntStream.range(0, 16).mapToObj(i -> pool.submit(() ->
                        keyIds.add(replicas.get(i % 2).newDataKey("alias/shared").wrapped().keyId()))).toList();
                for (var f : futures) {
                    f.get();
                }
            }
            assertThat(keyIds).hasSize(1);
        }
    }

    @Test
    void aMasterKeySealsTheStoredKeyringAndIsNeededToOpenIt() throws Exception {
        String url = TestDatabases.freshUrl("postgresql");
        Path master = dir.resolve("master.key");
        Files.writeString(master, Base64.getEncoder().encodeToString(new byte[32]));
        try (Database db = Database.open(url)) {
            Keyring sealed = new Keyring(DatabaseKeyring.open(db, master, null, Clock.systemUTC()), Clock.systemUTC());
            DataKey key = sealed.newDataKey("alias/secret");
            byte[] stored = db.read(c -> {
                try (var s = c.createStatement(); var r = s.executeQuery("SELECT contents FROM cluster_keyring")) {
                    r.next();
                    return r.getBytes(1);
                }
            });
            String material = sealed.versions("alias/secret").getFirst().material();
            assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(material).doesNotContain("alias/secret");
            Keyring again = new Keyring(DatabaseKeyring.open(db, master, null, Clock.systemUTC()), Clock.systemUTC());
            assertThat(again.unwrap(key.wrapped())).isEqualTo(key.plaintext());
            assertThatThrownBy(() -> new Keyring(DatabaseKeyring.open(db, null, null, Clock.systemUTC()), Clock.systemUTC()))
                    .hasMessageContaining("master key");
        }
    }

    @Test
    void theKeyringFileOfAServerThatRanAloneIsImportedOnce() {
        Keyring alone = new Keyring(dir.resolve("keys"), Clock.systemUTC());
        DataKey key = alone.newDataKey("alias/old");
        try (Database db = Database.open(TestDatabases.freshUrl("postgresql"))) {
            Keyring shared = new Keyring(DatabaseKeyring.open(db, null, dir.resolve("keys"), Clock.systemUTC()), Clock.systemUTC());
            assertThat(shared.unwrap(key.wrapped())).isEqualTo(key.plaintext());
            Keyring other = new Keyring(DatabaseKeyring.open(db, null, null, Clock.systemUTC()), Clock.systemUTC());
            assertThat(other.unwrap(key.wrapped())).isEqualTo(key.plaintext());
        }
    }
}
