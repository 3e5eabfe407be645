package dev.conveyor.server;

import dev.conveyor.server.http.RequestRouter;
import dev.conveyor.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /healthz} reports: ready while the database answers and the data directory's disk has room. A full
 * disk makes every write fail (a 503 the clients retry); reporting it here lets a load balancer or an orchestrator
 * see it too. Once the disk has room again the server serves without a restart (the embedded database is reopened
 * by {@link Database} itself), and {@code /healthz} says so.
 */
final class ServerHealth implements RequestRouter.Readiness {
    /** Below this much free space, writes of the database's pages and of artifacts are about to fail. */
    static final long MIN_FREE_BYTES = 1024 * 1024;

    private final Database database;
    /** Looked up once (finding it reads the mount table); its free space is asked at every check. */
    private final FileStore disk;

    ServerHealth(Database database, Path dataDir) {
        this.database = database;
        try {
            this.disk = Files.getFileStore(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the filesystem of the data directory " + dataDir, e);
        }
    }

    @Override
    public Optional<String> problem() {
        try {
            if (disk.getUsableSpace() < MIN_FREE_BYTES) {
                return Optional.of("the data directory's disk is full");
            }
        } catch (IOException e) {
            return Optional.of("the data directory's disk cannot be read");
        }
        if (!database.answers()) {
            return Optional.of("the database does not answer");
        }
        return Optional.empty();
    }
}
