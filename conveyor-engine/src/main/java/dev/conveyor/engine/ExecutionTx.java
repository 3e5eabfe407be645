package dev.conveyor.engine;

import java.sql.Connection;
import dev.conveyor.store.execution.JobRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One engine transaction: its connection, its clock reading, and what must happen after it commits (wake
 * workers, tell listeners). Effects are only acted on after the commit, so a rolled-back change never wakes
 * anybody (the durable state is the only source of work).
 */
final class ExecutionTx {
    final Connection connection;
    /** The pipeline whose row lock the transaction holds: the pipeline of every action whose job it queues. */
    final String pipelineName;
    final Instant now;
    boolean jobsQueued;
    /** The jobs this transaction queued, as written: an agent in this process may claim them before the commit. */
    final List<JobRow> queuedJobs = new ArrayList<>();
    /** Every job this transaction inserted (those claimed before the commit included), to remember their owners after it. */
    final List<JobRow> madeJobs = new ArrayList<>();
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
    /** The stage row the advancer is progressing for an execution's turn (see {@code ExecutionAdvancer.advance}). */
    Object progressing;
    /**
     * Set by the advancer when that stage's turn did nothing but launch actions that are all running now: the
     * execution's actions as they are after the launch. Such a launch lets nothing else move.
     */
    java.util.List<dev.conveyor.store.execution.ActionExecutionRow> launchedOnly;

    ExecutionTx(Connection connection, String pipelineName, Instant now) {
        this.connection = connection;
        this.pipelineName = pipelineName;
        this.now = now;
    }

    /** Notes a job this transaction inserted Queued: workers are woken after the commit. */
    void queued(JobRow job) {
        queuedJobs.add(job);
        madeJobs.add(job);
        jobsQueued = true;
    }

    void changed(String pipelineName, String executionId) {
        inHand = null;
        changedPipelines.add(pipelineName);
        changedExecutions.add(executionId);
    }
}
