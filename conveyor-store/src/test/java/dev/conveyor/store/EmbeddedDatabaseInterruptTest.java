package dev.conveyor.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A thread interrupted while the embedded database writes for it (an agent stopping a job, a shutdown) costs at most
 * that thread's statement: the database stays open for every other thread.
 */
class EmbeddedDatabaseInterruptTest {
    @Test
    void interruptingAWritingThreadLeavesTheDatabaseOpen() throws Exception {
        Path dir = Files.createTempDirectory("conveyor-interrupt-");
        try (Database db = Database.embedded(dir)) {
            AtomicInteger written = new AtomicInteger();
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 3000; i++) {
                    int n = i;
                    try {
                        db.inTransaction(c -> {
                            try (var s = c.prepareStatement("INSERT INTO s3_bucket (name, versioning, created_at) VALUES (?, NULL, 0)")) {
                                s.setString(1, "bucket-" + n);
                                return s.executeUpdate();
                            }
                        });
                        written.incrementAndGet();
                    } catch (RuntimeException interrupted) {
                        // an interrupted statement may fail; the next one starts afresh
                    }
                    Thread.interrupted();
                }
            });
            while (writer.isAlive()) {
                writer.interrupt();
                Thread.sleep(0, 200_000);
            }
            assertThat(written.get()).isPositive();
            int buckets = db.read(c -> {
                try (var s = c.createStatement(); var r = s.executeQuery("SELECT COUNT(*) FROM s3_bucket")) {
                    r.next();
                    return r.getInt(1);
                }
            });
            assertThat(buckets).as("every insert that returned is there").isEqualTo(written.get());
            db.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    return s.executeUpdate("INSERT INTO s3_bucket (name, versioning, created_at) VALUES ('after', NULL, 0)");
                }
            });
        } finally {
            PostgresServer.deleteRecursively(dir);
        }
    }
}
