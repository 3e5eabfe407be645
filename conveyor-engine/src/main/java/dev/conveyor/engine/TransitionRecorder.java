package dev.conveyor.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;

/**
 * Writes what an engine transaction's changes must tell the world (events of an outbox) inside that same
 * transaction, so that a change and its record commit or roll back together; then, after the commit, wakes whatever
 * delivers the records. The engine calls every recorder once per transaction that held a pipeline's lock, with the
 * executions the transaction touched; a recorder compares their durable state with what it recorded before.
 */
public interface TransitionRecorder {
    /** Inside the transaction, just before it commits (an exception rolls the whole change back). */
    void record(Connection connection, String pipelineName, Set<String> changedExecutions, Instant now) throws SQLException;

    /** After the transaction committed: deliver what was recorded. Must not block. */
    default void committed() {
    }
}
