package dev.conveyor.iam.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.iam.IamServices;
import dev.conveyor.iam.errors.ExpiredTokenException;
import dev.conveyor.iam.errors.InvalidClientTokenIdException;
import dev.conveyor.iam.errors.SignatureDoesNotMatchException;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keys at rest and across restarts, on both databases: secrets only sealed, session tokens only hashed, the same
 * keys opening after the database and keyring are reopened; temporary credentials expiring; the first administrator
 * made once.
 */
class IdentityStoreTest {
    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void secretsAreSealedAtRestAndOpenAgainAfterARestart(String kind) throws Exception {
        Path keys = Files.createTempDirectory("keys");
        Path dataDir = Files.createTempDirectory("data");
        String url = TestDatabases.freshUrl(kind);
        Clock clock = Clock.fixed(Instant.parse("2026-06-01T10:00:00Z"), ZoneOffset.UTC);
        NewAccessKey key;
        TemporaryCredentials session;
        try (Database db = Database.open(url)) {
            IamServices iam = IamServices.open(db, new Keyring(keys, clock), "us-east-1", "000000000000", clock);
            Optional<Path> written = iam.bootstrap().run(dataDir);
            assertThat(written).contains(dataDir.resolve(AdministratorBootstrap.FILE_NAME));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written.get()))).isEqualTo("rw-------");
            assertThat(Files.readString(written.get())).startsWith("[conveyor-admin]\naws_access_key_id = AKIA");
            key = iam.users().createAccessKey("admin"); // its second key: the first is in the credentials file
            iam.roles().create("ops", "/", "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sts:AssumeRole\"}}",
                    null, null);
            session = iam.roles().assume(new Principal.Account("000000000000"), "arn:aws:iam::000000000000:role/ops", "s", null, Map.of());
            assertThat(session.expiration()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));

            String everything = db.read(c -> {
                StringBuilder all = new StringBuilder();
                for (String table : new String[] {"iam_access_key", "iam_session"}) {
                    try (ResultSet r = c.createStatement().executeQuery("SELECT * FROM " + table)) {
                        while (r.next()) {
                            for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                                all.append(r.getString(i)).append('|');
                            }
                        }
                    }
                }
                return all.toString();
            });
            assertThat(everything).contains(key.key().accessKeyId()).doesNotContain(key.secretAccessKey())
                    .doesNotContain(session.secretAccessKey()).doesNotContain(session.sessionToken());
        }
        try (Database db = Database.open(url)) {
            Clock later = Clock.offset(clock, Duration.ofMinutes(30));
            IamServices iam = IamServices.open(db, new Keyring(keys, later), "us-east-1", "000000000000", later);
            assertThat(iam.bootstrap().run(dataDir)).as("the administrator is made once").isEmpty();
            SigningKey reopened = iam.signingKeys().find(key.key().accessKeyId()).orElseThrow();
            assertThat(reopened.secretAccessKey()).isEqualTo(key.secretAccessKey());
            assertThat(iam.signingKeys().authenticate(key.key().accessKeyId(), null,
                    secret -> secret.equals(key.secretAccessKey()) ? Optional.empty() : Optional.of("no")).arn())
                    .isEqualTo("arn:aws:iam::000000000000:user/admin");
            assertThatThrownBy(() -> iam.signingKeys().authenticate(key.key().accessKeyId(), null, secret -> Optional.of("bad signature")))
                    .isInstanceOf(SignatureDoesNotMatchException.class).hasMessage("bad signature");
            assertThat(iam.signingKeys().authenticate(session.accessKeyId(), session.sessionToken(),
                    secret -> secret.equals(session.secretAccessKey()) ? Optional.empty() : Optional.of("no")).arn())
                    .isEqualTo("arn:aws:sts::000000000000:assumed-role/ops/s");
            assertThatThrownBy(() -> iam.signingKeys().authenticate(session.accessKeyId(), null, secret -> Optional.empty()))
                    .isInstanceOf(InvalidClientTokenIdException.class);
            assertThat(iam.signingKeys().authenticate("AKIAUNKNOWNUNKNOWN00", null, secret -> Optional.of("never asked")))
                    .isEqualTo(new Principal.Account("000000000000"));
        }
        try (Database db = Database.open(url)) {
            Clock expired = Clock.offset(clock, Duration.ofMinutes(61));
            IamServices iam = IamServices.open(db, new Keyring(keys, expired), "us-east-1", "000000000000", expired);
            assertThatThrownBy(() -> iam.signingKeys().authenticate(session.accessKeyId(), session.sessionToken(), secret -> Optional.empty()))
                    .isInstanceOf(ExpiredTokenException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void concurrentRequestsCannotExceedTheKeyQuotaNorDeleteAUserWhileKeysAreAdded(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            IamServices iam = IamServices.open(db, new Keyring(Files.createTempDirectory("keys"), Clock.systemUTC()), "us-east-1",
                    "000000000000", Clock.systemUTC());
            iam.users().create("racer", "/");
            int attempts = 5;
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            List<java.util.concurrent.Future<?>> results = new java.util.ArrayList<>();
            try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < attempts; i++) {
                    results.add(threads.submit(() -> {
                        start.await();
                        try {
                            iam.users().createAccessKey("racer");
                            created.incrementAndGet();
                        } catch (dev.conveyor.iam.errors.LimitExceededException e) {
                            refused.incrementAndGet();
                        }
                        return null;
                    }));
                }
                start.countDown();
            }
            for (var result : results) {
                result.get(); // any other failure fails the test here
            }
            assertThat(created.get()).isEqualTo(Users.MAX_ACCESS_KEYS);
            assertThat(refused.get()).isEqualTo(attempts - Users.MAX_ACCESS_KEYS);
            assertThat(iam.users().accessKeys("racer")).hasSize(Users.MAX_ACCESS_KEYS);
            assertThatThrownBy(() -> iam.users().delete("racer")).isInstanceOf(dev.conveyor.iam.errors.DeleteConflictException.class);
        }
    }
}
