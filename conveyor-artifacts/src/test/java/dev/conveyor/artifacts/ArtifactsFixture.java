package dev.conveyor.artifacts;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.artifacts.local.LocalObjectStore;
import dev.conveyor.store.ArtifactRepository;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.PostgresServer;
import dev.conveyor.testkit.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** A local object store and artifact store over a fresh database of the given kind and a temporary data dir. */
final class ArtifactsFixture implements AutoCloseable {
    final Path dataDir;
    final Database database;
    final Keyring keyring;
    final LocalObjectStore objects;
    final ArtifactRepository repository;
    final ObjectArtifactStore artifacts;

    ArtifactsFixture(String kind) {
        this(kind, Long.MAX_VALUE);
    }

    ArtifactsFixture(String kind, long maxObjectBytes) {
        try {
            dataDir = Files.createTempDirectory("conveyor-artifacts-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database = "h2".equals(kind) ? Database.embedded(dataDir) : Database.open(TestDatabases.freshUrl(kind));
        keyring = new Keyring(dataDir.resolve("keys"), Clock.systemUTC());
        objects = new LocalObjectStore(database, dataDir.resolve("artifacts"), keyring, Clock.systemUTC(), maxObjectBytes);
        repository = new ArtifactRepository(database);
        artifacts = new ObjectArtifactStore(objects, repository, Clock.systemUTC());
    }

    @Override
    public void close() {
        database.close();
        PostgresServer.deleteRecursively(dataDir);
    }
}
