package dev.conveyor.server;

import dev.conveyor.server.http.RequestRouter;
import dev.conveyor.store.Database;
import java.io.IOException;
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
    private final Path dataDir;

    ServerHealth(Database database, Path dataDir) {
        this.database = database;
        this.dataDir = dataDir;
    }

    @Override
    public Optional<String> problem() {
        try {
            if (Files.getFileStore(dataDir).getUsableSpace() < MIN_FREE_BYTES) {
                return Optional.of("the data directory's disk is full");
            }
        } catch (IOException e) {
            return Optional.of("the data directory cannot be read");
        }
        if (!database.answers()) {
            return Optional.of("the database does not answer");
        }
        return Optional.empty();
    }
}
