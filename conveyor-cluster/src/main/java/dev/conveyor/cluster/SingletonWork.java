package dev.conveyor.cluster;

import dev.conveyor.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which replica runs each piece of singleton work (schedules, source polling, timeouts and sweeps, artifact
 * retention, the notification outbox…): the one holding the task's PostgreSQL session-level advisory lock. The locks
 * are held on one connection of this process; when the process dies, PostgreSQL ends its session and releases them
 * at once, and another replica, trying every {@link #CHECK_INTERVAL}, takes them over within about a second. When
 * this process loses its connection it stops running every task before it reconnects and competes again.
 *
 * <p>On the embedded database there is one process: it runs everything. The work gated here must still be safe to
 * run twice (it is: starts are idempotent, state changes are compare-and-sets under row locks), since a holder that
 * has just lost its connection finishes its current round before it sees so.
 */
public final class SingletonWork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SingletonWork.class);
    /** How often a replica that holds nothing tries to, and the holder checks its connection. */
    public static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
    /** The first key of Conveyor's advisory locks ("Conv"), the second being the task's. */
    static final int LOCK_CLASS = 0x436F6E76;

    /** Schedules ({@code conveyor:schedule} tags). */
    public static final String SCHEDULES = "schedules";
    /** Polling of sources with PollForSourceChanges. */
    public static final String SOURCE_POLLING = "source-polling";
    /** Action timeouts, lost workers' jobs, and advancing every active execution once. */
    public static final String SWEEPS = "sweeps";
    /** Artifact retention. */
    public static final String RETENTION = "artifact-retention";
    /** The notification outbox's dispatcher (events, deliveries): gate it with {@code gate(NOTIFICATION_OUTBOX)}. */
    public static final String NOTIFICATION_OUTBOX = "notification-outbox";
    /** Every task of the server. */
    public static final List<String> TASKS = List.of(SCHEDULES, SOURCE_POLLING, SWEEPS, RETENTION, NOTIFICATION_OUTBOX);

    private final Database database;
    private final String replica;
    private final Set<String> tasks;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> heldSince = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean paused;
    private Connection connection;

    private SingletonWork(Database database, String replica, Set<String> tasks, boolean everything) {
        this.database = database;
        this.replica = replica;
        this.tasks = tasks;
        if (everything) {
            held.addAll(tasks);
            thread = null;
        } else {
            thread = Thread.ofVirtual().name("conveyor-singleton-work").start(this::loop);
        }
    }

    /** The singleton work of {@code tasks} on this database, for this replica (its name is only logged). */
    public static SingletonWork open(Database database, String replica, List<String> tasks) {
        return new SingletonWork(database, replica, Set.copyOf(tasks), database.kind() != Database.Kind.POSTGRESQL);
    }

    /** True while this replica runs {@code task}. */
    public boolean runsHere(String task) {
        return held.contains(task);
    }

    /** {@link #runsHere} as a supplier, for the loops that must ask it before each round. */
    public BooleanSupplier gate(String task) {
        if (!tasks.contains(task)) {
            throw new IllegalArgumentException("not a singleton task: " + task);
        }
        return () -> runsHere(task);
    }

    /** The tasks this replica runs now (for metrics and logs). */
    public Set<String> held() {
        return Set.copyOf(held);
    }

    /**
     * Gives up every task and takes none again (a draining replica): the other replicas take them over within
     * {@link #CHECK_INTERVAL}.
     */
    public void release() {
        paused = true;
        if (thread == null) {
            held.clear();
            return;
        }
        synchronized (this) {
            dropConnection("this replica is draining");
        }
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                synchronized (this) {
                    if (!paused) {
                        round();
                    }
                }
                Thread.sleep(CHECK_INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One check: the connection answers, and every task not yet held is tried. */
    private void round() {
        try {
            if (connection == null || !connection.isValid(2)) {
                if (connection != null) {
                    dropConnection("its database connection stopped answering");
                }
                connection = database.dataSource().getConnection();
                connection.setAutoCommit(true);
            }
            for (String task : tasks) {
                if (!held.contains(task) && tryLock(connection, task)) {
                    held.add(task);
                    heldSince.put(task, System.nanoTime());
                    LOG.info("replica {} now runs {}", replica, task);
                }
            }
        } catch (SQLException | RuntimeException e) {
            dropConnection(e.toString());
        }
    }

    private static boolean tryLock(Connection c, String task) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            s.setInt(1, LOCK_CLASS);
            s.setInt(2, key(task));
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }

    /** The task's lock key: a stable hash of its name. */
    static int key(String task) {
        CRC32C crc = new CRC32C();
        crc.update(task.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** Stops running every task, then closes the connection (ending the session releases its locks). */
    private void dropConnection(String why) {
        if (!held.isEmpty()) {
            LOG.warn("replica {} stops running {}: {}", replica, held, why);
        }
        held.clear();
        heldSince.clear();
        if (connection != null) {
            try {
                // Unlock explicitly first: a pooled connection's session outlives close().
                try (var s = connection.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock_all()");
                }
            } catch (SQLException ignored) {
                // the session is gone, and its locks with it
            }
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already closed
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            dropConnection("the server is stopping");
        }
    }
}
