package dev.conveyor.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.store.Database;
import dev.conveyor.store.secrets.SecretRepository;
import dev.conveyor.store.secrets.SecretRow;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Secrets are stored only as ciphertext that the keyring opens, bound to their name; references resolve as builds name them. */
class SecretStoreTest {
    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void valuesAreEncryptedAtRestAndOpenOnlyWithTheKeyringUnderTheirOwnName(String kind) throws Exception {
        Path keys = Files.createTempDirectory("keys");
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            SecretRepository repository = new SecretRepository(db);
            SecretStore store = new SecretStore(repository, new Keyring(keys, Clock.systemUTC()), Clock.systemUTC());
            assertThat(store.create("/app/password", "plain-text-value", "db", "SecureString")).isTrue();
            assertThat(store.create("/app/password", "again", null, null)).as("names are unique").isFalse();
            assertThat(store.value("/app/password")).contains("plain-text-value");

            String everything = db.read(c -> {
                StringBuilder all = new StringBuilder();
                try (ResultSet r = c.createStatement().executeQuery("SELECT * FROM stored_secret")) {
                    while (r.next()) {
                        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                            all.append(r.getString(i)).append('|');
                        }
                    }
                }
                return all.toString();
            });
            assertThat(everything).doesNotContain("plain-text-value");

            assertThat(store.replace("/app/password", "second-value", null, null)).contains(2L);
            SecretReferences references = new SecretReferences(store, "us-east-1", "000000000000");
            assertThat(references.parameter("/app/password")).isEqualTo("second-value");
            assertThat(references.parameter("arn:aws:ssm:us-east-1:000000000000:parameter/app/password")).isEqualTo("second-value");

            // A ciphertext moved onto another name does not open: the name is authenticated with the value.
            SecretRow row = repository.find("/app/password").orElseThrow();
            repository.insert(new SecretRow("/other", row.arnSuffix(), null, row.parameterType(), 1, row.keyId(), row.keyVersion(),
                    row.wrappedKey(), row.ciphertext(), row.createdAt(), row.updatedAt()));
            assertThatThrownBy(() -> store.value("/other")).isInstanceOf(IllegalStateException.class);

            // The keyring on disk is what opens them: a new process with the same data directory reads them back.
            SecretStore reopened = new SecretStore(repository, new Keyring(keys, Clock.systemUTC()), Clock.systemUTC());
            assertThat(reopened.value("/app/password")).contains("second-value");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void secretsManagerReferencesPickJsonKeysAndNameWhatIsMissing(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            SecretStore store = new SecretStore(new SecretRepository(db), new Keyring(Files.createTempDirectory("keys"), Clock.systemUTC()),
                    Clock.systemUTC());
            store.create("prod/api", "{\"user\": \"ada\", \"port\": 5432}", null, null);
            SecretReferences references = new SecretReferences(store, "us-east-1", "000000000000");
            String arn = references.secretArn("prod/api", store.describe("prod/api").orElseThrow().arnSuffix());
            assertThat(references.secret("prod/api")).contains("\"user\"");
            assertThat(references.secret("prod/api:user")).isEqualTo("ada");
            assertThat(references.secret("prod/api:port::")).isEqualTo("5432");
            assertThat(references.secret(arn + ":user")).isEqualTo("ada");
            assertThatThrownBy(() -> references.secret("prod/api:missing")).hasMessageContaining("has no JSON key missing");
            assertThatThrownBy(() -> references.secret("prod/nope")).hasMessageContaining("prod/nope is not in the secret store")
                    .hasMessageContaining("conveyor secrets put prod/nope");
            assertThatThrownBy(() -> references.secret("prod/api:user:AWSPREVIOUS")).hasMessageContaining("AWSCURRENT");
        }
    }
}
