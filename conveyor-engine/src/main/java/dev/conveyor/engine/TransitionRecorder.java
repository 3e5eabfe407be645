package dev.conveyor.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
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

    /**
     * As {@link #record(Connection, String, Set, Instant)}, with the rows the transaction already holds current:
     * when {@code inHand} is not null it is every active execution of the pipeline (in the order
     * {@code ExecutionRepository.activeExecutions} gives them) with its stages and actions as they are now, so a
     * recorder need not read them again. Executions the transaction settled are not in it.
     */
    default void record(Connection connection, String pipelineName, Set<String> changedExecutions,
                        Map<String, ExecutionInHand> inHand, Instant now) throws SQLException {
        record(connection, pipelineName, changedExecutions, now);
    }

    /** After the transaction committed: deliver what was recorded. Must not block. */
    default void committed() {
    }
}
