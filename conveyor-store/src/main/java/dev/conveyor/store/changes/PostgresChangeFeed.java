package dev.conveyor.store.changes;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feed of a PostgreSQL database that several server replicas share, over {@code LISTEN/NOTIFY}: a writer's
 * {@code pg_notify} is part of its transaction, so PostgreSQL delivers it to every listening connection after the
 * commit and never after a rollback. One connection of its own (outside the pool) listens; while it is down the
 * feed is unreliable, and once it listens again every subscriber is told of a gap, because whatever was committed
 * in between was not heard.
 */
final class PostgresChangeFeed implements ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeFeed.class);
    static final String CHANNEL = "conveyor_changes";
    /** How long one wait for notifications lasts; between waits the connection is checked, so a dead one is noticed. */
    private static final int WAIT_MILLIS = 1_000;
    private static final Duration LIVENESS_CHECK = Duration.ofSeconds(5);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final String jdbcUrl;
    private final Subscribers subscribers = new Subscribers();
    /** Started by the first subscription: a database nobody caches from needs no listening connection. */
    private Thread listener;
    private volatile boolean reliable;
    private volatile boolean closed;
    private volatile Connection listening;

    PostgresChangeFeed(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    @Override
    public void announce(Connection c, String topic, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, CHANNEL);
            s.setString(2, topic + ":" + key);
            s.execute();
        }
    }

    @Override
    public void changedHere(String topic, String key) {
        subscribers.changed(topic, key);
    }

    @Override
    public synchronized void subscribe(String topic, Listener listener) {
        subscribers.add(topic, listener);
        if (this.listener == null && !closed) {
            this.listener = Thread.ofPlatform().daemon().name("conveyor-change-feed").start(this::listen);
        }
    }

    @Override
    public boolean reliable() {
        return reliable;
    }

    @Override
    public void close() {
        Thread listener;
        synchronized (this) {
            closed = true;
            listener = this.listener;
        }
        reliable = false;
        Connection c = listening;
        if (c != null) {
            try {
                c.close(); // wakes the listener out of its wait
            } catch (SQLException ignored) {
                // it is going away either way
            }
        }
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void listen() {
        while (!closed) {
            try (Connection c = DriverManager.getConnection(jdbcUrl)) {
                listening = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                // Whatever committed before LISTEN took effect was not heard: forget, then trust what comes.
                subscribers.gap();
                reliable = true;
                PGConnection pg = c.unwrap(PGConnection.class);
                long checkedAt = System.nanoTime();
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            deliver(notification.getParameter());
                        }
                    }
                    if (System.nanoTime() - checkedAt > LIVENESS_CHECK.toNanos()) {
                        // A server that vanished without closing the socket would otherwise leave us deaf.
                        if (!c.isValid((int) LIVENESS_CHECK.toSeconds())) {
                            throw new SQLException("the listening connection stopped answering");
                        }
                        checkedAt = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                reliable = false;
                subscribers.gap();
                if (!closed) {
                    LOG.warn("change feed lost its connection ({}); caches read the database until it is back", e.toString());
                    sleep(RECONNECT_DELAY);
                }
            } finally {
                listening = null;
            }
        }
    }

    private void deliver(String payload) {
        int colon = payload.indexOf(':');
        if (colon > 0) {
            subscribers.changed(payload.substring(0, colon), payload.substring(colon + 1));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
