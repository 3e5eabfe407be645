package dev.conveyor.store.changes;

import java.sql.Connection;

/**
 * A feed that hears only what this process writes (its writers' {@link #changedHere} calls).
 *
 * <p>Reliable for a database only this process can open: the embedded H2 file database, which H2 locks to one
 * process, so every change is made here. Unreliable (caches off, every read goes to the database) for an H2
 * database other processes may write without telling this one, such as an H2 server reached over TCP.
 */
final class InProcessChangeFeed implements ChangeFeed {
    private final Subscribers subscribers = new Subscribers();
    private final boolean soleWriter;

    InProcessChangeFeed(boolean soleWriter) {
        this.soleWriter = soleWriter;
    }

    @Override
    public void announce(Connection c, String topic, String key) {
        // Nobody else listens: the writer's changedHere reaches every subscriber.
    }

    @Override
    public void changedHere(String topic, String key) {
        subscribers.changed(topic, key);
    }

    @Override
    public void subscribe(String topic, Listener listener) {
        subscribers.add(topic, listener);
    }

    @Override
    public boolean reliable() {
        return soleWriter;
    }

    @Override
    public void close() {
    }
}
