package dev.conveyor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.model.pipeline.EncryptionKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Retention of old executions' artifacts, and key rotation, on the embedded database and PostgreSQL. */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class RetentionAndKeyringTest {
    @Parameter
    String databaseKind;

    @TempDir
    Path work;

    private ArtifactsFixture fixture;

    /** The engine's answer, faked: protected executions per pipeline. */
    private final Map<String, Set<String>> guarded = new HashMap<>();
    private final RetentionGuard guard = pipeline -> guarded.getOrDefault(pipeline, Set.of());

    @BeforeEach
    void open() {
        fixture = new ArtifactsFixture(databaseKind);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private StoredArtifact store(String pipeline, String execution) throws IOException {
        Path zip = work.resolve(execution + ".zip");
        Files.writeString(zip, "content of " + execution);
        return fixture.artifacts.putArtifact(new ArtifactPlacement("retained", null, pipeline, "Out", execution, "S", "A", execution), zip);
    }

    @Test
    void keepsTheLastExecutionsAndThoseTheEngineProtects() throws IOException {
        for (int i = 1; i <= 5; i++) {
            store("p", "p-" + i);
        }
        store("other", "o-1");
        guarded.put("p", Set.of("p-1")); // e.g. the latest successful one is old

        ArtifactRetention.Report report = new ArtifactRetention(fixture.objects, fixture.repository, guard,
                new RetentionPolicy(2, null), Clock.systemUTC()).run();

        assertThat(report.removedExecutions()).containsExactlyInAnyOrder("p-2", "p-3");
        assertThat(fixture.artifacts.producedBy("p-2")).isEmpty();
        assertThat(fixture.artifacts.producedBy("p-1")).hasSize(1);
        assertThat(fixture.artifacts.producedBy("p-5")).hasSize(1);
        assertThat(fixture.artifacts.producedBy("o-1")).hasSize(1);
        assertThat(fixture.objects.listObjectVersions("retained", null, null, null, null, 100).versions()).hasSize(4);
    }

    @Test
    void keepsExecutionsYoungerThanTheMaximumAgeUnlessNothingProtectsThem() throws IOException {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (var execution : List.of(Map.entry("old", t0), Map.entry("older", t0.minus(Duration.ofDays(1))), Map.entry("new", t0.plus(Duration.ofDays(10))))) {
            Path zip = work.resolve(execution.getKey() + ".zip");
            Files.writeString(zip, execution.getKey());
            new ObjectArtifactStore(fixture.objects, fixture.repository, Clock.fixed(execution.getValue(), ZoneOffset.UTC))
                    .putArtifact(new ArtifactPlacement("aged", null, "p", "Out", execution.getKey(), "S", "A", "x"), zip);
        }
        Clock now = Clock.fixed(t0.plus(Duration.ofDays(12)), ZoneOffset.UTC);
        guarded.put("p", Set.of("older"));
        var retention = new ArtifactRetention(fixture.objects, fixture.repository, guard, new RetentionPolicy(0, Duration.ofDays(7)), now);
        assertThat(retention.run().removedExecutions()).containsExactly("old");
        assertThat(fixture.artifacts.producedBy("new")).hasSize(1);
        assertThat(fixture.artifacts.producedBy("older")).hasSize(1);
        assertThat(new ArtifactRetention(fixture.objects, fixture.repository, pipeline -> Set.of(), RetentionPolicy.KEEP_ALL, now)
                .run().removedArtifacts()).isZero();
    }

    @Test
    void rotatingAKeyKeepsOlderArtifactsReadable() throws IOException {
        Path zip = work.resolve("a.zip");
        Files.writeString(zip, "before rotation");
        EncryptionKey key = new EncryptionKey("alias/rotating", "KMS");
        StoredArtifact before = fixture.artifacts.putArtifact(new ArtifactPlacement("rot", key, "p", "Out", "e1", "S", "A", "x"), zip);
        assertThat(fixture.keyring.rotate("alias/rotating")).isEqualTo(2);
        Files.writeString(zip, "after rotation");
        StoredArtifact after = fixture.artifacts.putArtifact(new ArtifactPlacement("rot", key, "p", "Out", "e2", "S", "A", "y"), zip);

        Keyring reopened = new Keyring(fixture.dataDir.resolve("keys"), Clock.systemUTC());
        assertThat(reopened.versions("alias/rotating")).hasSize(2);
        try (InputStream a = fixture.artifacts.openArtifact(before.location()); InputStream b = fixture.artifacts.openArtifact(after.location())) {
            assertThat(new String(a.readAllBytes())).isEqualTo("before rotation");
            assertThat(new String(b.readAllBytes())).isEqualTo("after rotation");
        }
        assertThatThrownBy(() -> fixture.keyring.resolve("1234abcd-12ab-34cd-56ef-1234567890ab", true))
                .hasMessageContaining("no such key");
        String id = fixture.keyring.createKey("by id");
        assertThat(fixture.keyring.resolve("arn:aws:kms:us-east-1:000000000000:key/" + id, false)).isEqualTo(id);
        assertThat(Files.getPosixFilePermissions(fixture.dataDir.resolve("keys/keyring.json")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(List.of(fixture.keyring.aliases(fixture.keyring.resolve("alias/rotating", false)))).isNotEmpty();
    }
}
