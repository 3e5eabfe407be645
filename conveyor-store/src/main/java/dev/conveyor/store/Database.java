package dev.conveyor.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.conveyor.store.changes.ChangeFeed;
import dev.conveyor.store.changes.ChangeFeeds;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool to Conveyor's database, migrated to the current schema on open. Two kinds are supported
 * with the same schema and queries: an embedded H2 file database (the default, under the data directory) and
 * PostgreSQL (for many server replicas).
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** Which database engine is behind the pool, for the rare query that must differ. */
    public enum Kind { H2, POSTGRESQL }

    /** The version of the newest migration under {@code db/migration} (V1, V2, … with no gaps; a test holds it true). */
    static final int LATEST_MIGRATION = 9;

    private final HikariDataSource dataSource;
    private final Kind kind;
    private final ChangeFeed changes;
    /** Rewrites the embedded file's sparse chunks while the server runs (null on PostgreSQL). */
    private final EmbeddedCompaction compaction;

    private Database(HikariDataSource dataSource, Kind kind, ChangeFeed changes) {
        this.dataSource = dataSource;
        this.kind = kind;
        this.changes = changes;
        this.compaction = kind == Kind.H2 ? EmbeddedCompaction.start(dataSource) : null;
    }

    /**
     * Opens the embedded database in {@code dataDir/db}. WRITE_DELAY=0 makes every commit reach the file
     * before the commit returns, so a killed process loses no committed state. The file is reached through H2's
     * {@code async:} file system (an AsynchronousFileChannel): through the default FileChannel, a thread interrupted
     * while H2 wrote for it closed the channel, and H2 then closed the whole database for every thread until the
     * process restarted. Threads are interrupted here on purpose (an agent stopping a job it lost, a shutdown).
     * QUERY_CACHE_SIZE: H2 keeps parsed statements per session, 8 by default; a request's authentication,
     * authorization and operation run more distinct statements than that, so every prepareStatement was parsed
     * again (a fifth of GetPipeline's CPU in a profile, issue 20). 256 holds every statement the server runs.
     * OPTIMIZE_REUSE_RESULTS=0: otherwise each cached statement keeps the rows it last returned (H2 hands them back if
     * the same query runs again before any write), so with 16 sessions of up to 256 statements the heap held the last
     * answer of every query each connection had run: executions' histories, declarations (issue 20: heap after reading
     * every pipeline's history). A server writes between most repeats, so the reuse rarely happened.
     */
    public static Database embedded(Path dataDir) {
        String url = "jdbc:h2:async:" + dataDir.toAbsolutePath().resolve("db").resolve("conveyor")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=256"
                + ";OPTIMIZE_REUSE_RESULTS=0";
        return open(url);
    }

    /** Opens the database at a JDBC URL: {@code jdbc:postgresql://…} or {@code jdbc:h2:…}. */
    public static Database open(String jdbcUrl) {
        Kind kind;
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            kind = Kind.POSTGRESQL;
        } else if (jdbcUrl.startsWith("jdbc:h2:")) {
            kind = Kind.H2;
        } else {
            throw new IllegalArgumentException("unsupported database URL (use jdbc:postgresql:… or jdbc:h2:…): " + jdbcUrl);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("conveyor");
        config.setMaximumPoolSize(kind == Kind.H2 ? 16 : 32);
        config.setAutoCommit(true);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            if (!upToDate(dataSource)) {
                // A newer release's migrations already applied (a rolling upgrade: N+1 migrated, this replica is N) are
                // left alone: they only expand the schema (docs/operations.md, MigrationsExpandOnlyTest).
                Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").ignoreMigrationPatterns("*:future")
                        .failOnMissingLocations(true).load().migrate();
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, kind, ChangeFeeds.forUrl(jdbcUrl));
    }

    /**
     * True when every bundled migration has been applied already and is unchanged since, so that Flyway, whose loading
     * and checking took about a second of every start (issues 8 and 20), need not run. Any doubt (no history table, a
     * failed, missing, newer or edited migration) leaves the decision to Flyway: it applies what is pending and refuses
     * a changed checksum.
     */
    static boolean upToDate(DataSource dataSource) {
        return AppliedMigrations.current(dataSource, "db/migration", "flyway_schema_history", LATEST_MIGRATION, LATEST_MIGRATION);
    }

    public Kind kind() {
        return kind;
    }

    /** The embedded database file's chunks, size and fill rate; empty on PostgreSQL. */
    public Optional<EmbeddedFile> embeddedFile() {
        return kind == Kind.H2 ? Optional.of(read(EmbeddedFile::of)) : Optional.empty();
    }

    /** How this process hears of rows other processes change, for caches. */
    public ChangeFeed changes() {
        return changes;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws, so a failed
     * request leaves nothing half-written.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Runs a read on a pooled connection in auto-commit mode. */
    public <T> T read(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * True when the database answers a query now. For readiness checks: on the embedded database a failed check
     * also starts its reopening (see {@link #failed}), so that a check after the fault has passed succeeds.
     */
    public boolean answers() {
        try {
            return read(c -> {
                try (var s = c.createStatement(); var r = s.executeQuery("SELECT 1")) {
                    return r.next();
                }
            });
        } catch (StoreException e) {
            return false;
        }
    }

    /**
     * The exception for a failed statement. H2 closes the embedded database for good when a write of its file fails
     * (a full disk), and every pooled connection then answers "The database has been closed" until the process
     * restarts: here the pool's connections are evicted instead, so the next statement opens the database again
     * from what was committed and, once the disk has room again, the server serves without a restart.
     */
    private StoreException failed(SQLException e) {
        if (kind == Kind.H2 && StorageFaults.closesH2(e)) {
            LOG.warn("the embedded database failed ({}); it is reopened for the next statement", e.getMessage());
            dataSource.getHikariPoolMXBean().softEvictConnections();
        }
        return new StoreException(e);
    }

    @Override
    public void close() {
        changes.close();
        if (compaction != null) {
            compaction.close();
        }
        if (kind == Kind.H2) {
            try (Connection c = dataSource.getConnection(); var s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already closed
            }
        }
        dataSource.close();
    }

    /** Work against a connection that may throw SQLException. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
