package dev.conveyor.engine;

import java.sql.Connection;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One engine transaction: its connection, its clock reading, and what must happen after it commits (wake
 * workers, tell listeners). Effects are only acted on after the commit, so a rolled-back change never wakes
 * anybody (the durable state is the only source of work).
 */
final class ExecutionTx {
    final Connection connection;
    final Instant now;
    boolean jobsQueued;
    /** Rule executions were started: the rule runner should look for due rules after the commit. */
    boolean rulesDue;
    final Set<String> changedExecutions = new LinkedHashSet<>();
    final Set<String> changedPipelines = new LinkedHashSet<>();
    /**
     * Every active execution of the pipeline, by id in the order the advancer met them, with its rows as last read:
     * set by the advancer when a round found nothing to move (so nothing was written after those reads), cleared by
     * any later change. Null when the transaction holds no such reading.
     */
    Map<String, ExecutionInHand> inHand;

    ExecutionTx(Connection connection, Instant now) {
        this.connection = connection;
        this.now = now;
    }

    void changed(String pipelineName, String executionId) {
        inHand = null;
        changedPipelines.add(pipelineName);
        changedExecutions.add(executionId);
    }
}
