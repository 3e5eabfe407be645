package dev.conveyor.bench;

import dev.conveyor.store.Database;
import dev.conveyor.store.EmbeddedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the embedded database's file holds under a stream of small commits and after it: its chunks (one per commit,
 * their metadata in the heap and read at every start), its size and the share of the chunks' bytes still live, every
 * 5 s while {@code --threads} threads commit one row each (a 1 KB row, over 50,000 keys) for {@code --seconds}, then
 * while the database is idle for {@code --idle-seconds}. Opened as the server opens it ({@link Database#embedded}), so
 * the server's background compaction runs as it does there. Prints the figures; writes nothing.
 *
 * <pre>java -cp "conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*" dev.conveyor.bench.EmbeddedFileBench</pre>
 */
public final class EmbeddedFileBench {
    private static final int KEYS = 50_000;
    private static final long REPORT_EVERY_MILLIS = 5_000;

    private EmbeddedFileBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> argv = Arrays.asList(args);
        int threads = option(argv, "--threads", 4);
        int seconds = option(argv, "--seconds", 60);
        int idleSeconds = option(argv, "--idle-seconds", 90);
        Path dir = Files.createTempDirectory("conveyor-embedded-file-bench-");
        try (Database db = Database.embedded(dir)) {
            db.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    s.execute("CREATE TABLE bench_row (id INT PRIMARY KEY, payload VARCHAR(2000) NOT NULL)");
                }
                return null;
            });
            AtomicLong commits = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService writers = Executors.newFixedThreadPool(threads);
            String payload = "x".repeat(1_000);
            for (int i = 0; i < threads; i++) {
                writers.submit(() -> {
                    while (!stop.get()) {
                        long n = commits.incrementAndGet();
                        db.inTransaction(c -> {
                            try (var s = c.prepareStatement("MERGE INTO bench_row KEY (id) VALUES (?, ?)")) {
                                s.setLong(1, n % KEYS);
                                s.setString(2, payload + n);
                                return s.executeUpdate();
                            }
                        });
                    }
                    return null;
                });
            }
            long start = System.nanoTime();
            System.out.printf(Locale.ROOT, "%d threads committing one row each for %d s, then idle for %d s%n", threads, seconds, idleSeconds);
            report(db, start, seconds, "committing", commits);
            stop.set(true);
            writers.shutdown();
            writers.awaitTermination(30, TimeUnit.SECONDS);
            report(db, System.nanoTime(), idleSeconds, "idle", commits);
        } finally {
            BenchFiles.deleteTree(dir);
        }
    }

    private static void report(Database db, long since, int seconds, String phase, AtomicLong commits) throws InterruptedException {
        for (long elapsed = 0; elapsed < seconds * 1_000L; ) {
            Thread.sleep(REPORT_EVERY_MILLIS);
            elapsed = (System.nanoTime() - since) / 1_000_000;
            EmbeddedFile file = db.embeddedFile().orElseThrow();
            System.out.printf(Locale.ROOT, "%-10s %4.0f s  commits %,9d  chunks %,8d  file %,6d MiB  live %3d %%%n", phase,
                    elapsed / 1000.0, commits.get(), file.chunks(), file.sizeBytes() >> 20, file.chunksFillPercent());
        }
    }

    private static int option(List<String> argv, String name, int fallback) {
        int i = argv.indexOf(name);
        return i < 0 ? fallback : Integer.parseInt(argv.get(i + 1));
    }
}
