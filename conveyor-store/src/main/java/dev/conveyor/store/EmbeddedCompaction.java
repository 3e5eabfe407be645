package dev.conveyor.store;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the embedded database's sparse chunks while the server runs, as H2's own background writer would.
 *
 * <p>Every commit writes an MVStore chunk holding the pages it changed; later commits leave most of each chunk's pages
 * stale, and only a rewrite of the few live ones lets H2 drop the chunk. H2 rewrites from its background writer, which
 * it starts only with a positive {@code WRITE_DELAY}, and Conveyor runs with {@code WRITE_DELAY=0} so that a commit is
 * in the file when it returns. Without this task a server that had created 10,000 pipelines kept about 39,500 chunks:
 * their metadata stayed in the heap (about 8 MB) and every start read it back (issue 20). The rewrite goes through
 * {@link MVStore#compact(int, int)}, the call the background writer makes, so it runs beside other sessions' commits
 * as it does there.
 *
 * <p>The store is looked up on each run, not kept: {@link Database} reopens the embedded database after a failed
 * write, and the reopened file has a store of its own.
 */
final class EmbeddedCompaction implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCompaction.class);

    /** How often the chunks are looked at; a run that finds the file dense costs a walk over the chunk map. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    /**
     * Chunks at most this full (percent of their bytes still live) are rewritten, sparsest first. Half: the file then
     * holds at most about twice its live data, and a chunk is not rewritten over and over while most of it still
     * serves (H2's background writer aims at 90 % to keep the file small, and moves far more bytes for it).
     */
    static final int TARGET_FILL_RATE = 50;

    /**
     * At most this many live bytes are moved per run: small runs, so that requests arriving during one wait little for
     * it, while a second's run frees thousands of sparse chunks (a minute of quiet after a burst of 180,000 commits
     * brought them from 157,000 to 1,600: {@code EmbeddedFileBench}).
     */
    static final int WRITE_LIMIT = 1 << 20;

    /**
     * Runs wait for a quiet server: this process using less than this share of the machine's cores for
     * {@link #QUIET_SECONDS} checks in a row. The rewrite reads and copies pages through H2's page cache and adds to
     * the young collections; measured right after a bulk load (bin/bench, 10,000 pipelines), rewriting alongside the
     * requests cost GetPipeline 10–15 % of its throughput and doubled its open-loop p99, also when runs were only put
     * off while the server was busy. Upkeep belongs to the quiet seconds a delivery server has between bursts.
     */
    static final double QUIET_PROCESS_CPU = 0.25;

    /** How many checks in a row (one per {@link #INTERVAL}) the process must have been quiet. */
    static final int QUIET_SECONDS = 3;

    /** A server that is never quiet still rewrites, once per this long, so that its chunks stay bounded. */
    static final Duration LONGEST_DEFERRAL = Duration.ofMinutes(10);

    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    private final DataSource dataSource;
    private final ScheduledExecutorService timer;
    private long lastRunNanos = System.nanoTime(); // the timer's thread only, as quietChecks
    private int quietChecks;

    private EmbeddedCompaction(DataSource dataSource) {
        this.dataSource = dataSource;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "conveyor-h2-compaction");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runQuietly, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts looking at the embedded database behind {@code dataSource} every {@link #INTERVAL}. */
    static EmbeddedCompaction start(DataSource dataSource) {
        return new EmbeddedCompaction(dataSource);
    }

    private void runQuietly() {
        quietChecks = processQuiet() ? quietChecks + 1 : 0;
        if (quietChecks < QUIET_SECONDS && System.nanoTime() - lastRunNanos < LONGEST_DEFERRAL.toNanos()) {
            return;
        }
        lastRunNanos = System.nanoTime();
        try {
            compactOnce(dataSource);
        } catch (SQLException | RuntimeException e) {
            // A closed or reopening database: the next run finds the store again.
            LOG.debug("embedded database compaction skipped: {}", e.toString());
        }
    }

    /**
     * Rewrites up to {@link #WRITE_LIMIT} bytes of the live pages of chunks at most {@link #TARGET_FILL_RATE} % full
     * and commits the store, so the rewritten pages are in the file and the old chunks can be dropped once H2's
     * retention time has passed. Returns whether anything was rewritten.
     */
    static boolean compactOnce(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            MVStore store = mvStore(c);
            if (store == null || store.isClosed() || store.getFileStore() == null) {
                return false;
            }
            boolean rewritten = store.compact(TARGET_FILL_RATE, WRITE_LIMIT);
            if (rewritten) {
                store.commit();
            }
            return rewritten;
        }
    }

    /** Whether this process used less than {@link #QUIET_PROCESS_CPU} of the machine since the previous check. */
    private static boolean processQuiet() {
        // Negative when the platform cannot tell: then always quiet, and runs go by the interval alone.
        return !(OS instanceof com.sun.management.OperatingSystemMXBean os) || os.getProcessCpuLoad() < QUIET_PROCESS_CPU;
    }

    /** The MVStore of an embedded connection's database; null for a remote H2 server or another engine. */
    private static MVStore mvStore(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)
                || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return null;
        }
        Store store = session.getDatabase().getStore();
        return store == null ? null : store.getMvStore();
    }

    /** Stops the runs, letting one in progress finish (an interrupt would reach H2 in the middle of a write). */
    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("embedded database compaction did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
