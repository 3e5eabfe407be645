package dev.conveyor.store.changes;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Tells every server process that shares the database which rows changed, so that what a process keeps in memory
 * stays true to the database. A writer announces a change inside its transaction; every subscriber, in every
 * process, hears of it once the transaction has committed. A subscriber also hears when changes may have been
 * missed (the feed lost its connection): it must then forget everything it derived from the database.
 *
 * <p>Only caches depend on the feed, never correctness of writes: while {@link #reliable()} is false a cache must
 * not answer from memory.
 */
public interface ChangeFeed extends AutoCloseable {

    /** Hears of the changes of one topic. */
    interface Listener {
        /** {@code key} of the topic changed in some process (this one included) and the change is committed. */
        void changed(String key);

        /** Changes may have been missed: forget everything derived from the topic's rows. */
        void gap();
    }

    /**
     * Announces, on {@code c} inside the writing transaction, that {@code key} of {@code topic} changed. Other
     * processes hear of it after the commit, and not at all on a rollback. The writer itself must also tell its
     * own process's caches after the commit (see {@link #changedHere}), since delivery to itself is not immediate.
     */
    void announce(Connection c, String topic, String key) throws SQLException;

    /** Delivers a committed change to this process's subscribers at once. */
    void changedHere(String topic, String key);

    /** Subscribes {@code listener} to {@code topic}. */
    void subscribe(String topic, Listener listener);

    /** True while every committed change is being delivered; caches answer from memory only then. */
    boolean reliable();

    @Override
    void close();
}
