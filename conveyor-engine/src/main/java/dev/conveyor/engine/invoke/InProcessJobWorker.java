package dev.conveyor.engine.invoke;

import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.errors.InvalidJobStateException;
import dev.conveyor.model.errors.JobNotFoundException;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.store.execution.JobRow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job worker inside the server for action types the server runs itself (Invoke/AWS/Lambda, Invoke/AWS/CodePipeline):
 * it claims their queued jobs as they appear (InProgress at once, no lease: the action's timeout bounds them) and runs
 * each on a virtual thread through its type's {@link Handler}. A handler either completes the job itself or leaves it
 * to someone else (a function reporting with PutJobSuccessResult); one that throws fails the job with the message.
 */
public final class InProcessJobWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessJobWorker.class);
    /** How long the loop waits for a signal before looking again (jobs created by another replica signal no one here). */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

    /** Runs one job of its type. */
    @FunctionalInterface
    public interface Handler {
        void run(JobRow job) throws Exception;
    }

    private final ExecutionEngine engine;
    private final String workerId;
    private final Map<ActionTypeId, Handler> handlers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Semaphore capacity;
    private volatile boolean closed;
    private Thread loop;

    /**
     * @param workerId names this worker in the jobs it holds; a worker of the same name starting again offers them
     *                 again (its predecessor's process is gone), so it must be stable across restarts and unique among
     *                 the servers sharing a database (e.g. host and data directory)
     * @param capacity how many jobs run at once; more wait in the queue
     */
    public InProcessJobWorker(ExecutionEngine engine, String workerId, int capacity) {
        this.engine = engine;
        this.workerId = workerId;
        this.capacity = new Semaphore(capacity);
    }

    /** Runs the jobs of {@code type} with {@code handler}; register every type before {@link #start()}. */
    public InProcessJobWorker register(ActionTypeId type, Handler handler) {
        handlers.put(type, handler);
        return this;
    }

    /**
     * Offers again the jobs this worker's name held before (a previous process, stopped or crashed while they ran:
     * a function is invoked again, at least once as Lambda's asynchronous invocations are), then takes jobs.
     */
    public synchronized InProcessJobWorker start() {
        if (loop == null) {
            int released = engine.releaseJobsOf(workerId);
            if (released > 0) {
                LOG.info("{} invoke job(s) left running by a previous start are offered again", released);
            }
            loop = Thread.ofVirtual().name("conveyor-invoke-worker").start(this::loop);
        }
        return this;
    }

    private void loop() {
        List<ActionTypeId> types = List.copyOf(handlers.keySet());
        while (!closed) {
            try {
                long generation = engine.jobSignal().generation();
                capacity.acquire();
                List<JobRow> claimed;
                try {
                    claimed = engine.claimJobsToRun(types, 1, workerId, null, job -> true);
                } catch (RuntimeException e) {
                    capacity.release();
                    throw e;
                }
                if (claimed.isEmpty()) {
                    capacity.release();
                    engine.jobSignal().awaitAfter(generation, IDLE_WAIT);
                    continue;
                }
                JobRow job = claimed.getFirst();
                Thread.ofVirtual().name("conveyor-invoke-" + job.id()).start(() -> {
                    try {
                        run(job);
                    } finally {
                        capacity.release();
                    }
                });
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("claiming invoke jobs failed; trying again", e);
                try {
                    Thread.sleep(IDLE_WAIT);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void run(JobRow job) {
        try {
            handlers.get(job.actionTypeId()).run(job);
        } catch (Exception e) {
            LOG.info("invoke job {} ({}) failed: {}", job.id(), job.actionTypeId(), e.toString());
            fail(job.id(), JobOutcome.Failure.jobFailed(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    /**
     * What handlers complete jobs with: {@link ExecutionEngine#completeJob}, a job already finished being left as it is.
     * Once the worker is closing nothing is completed: a function killed because the server stops has not failed, and
     * its job is offered again at the next start.
     */
    public void complete(String jobId, JobOutcome outcome) {
        if (closed) {
            LOG.info("job {} is left to the next start (the server is stopping)", jobId);
            return;
        }
        try {
            engine.completeJob(jobId, outcome);
        } catch (InvalidJobStateException | JobNotFoundException e) {
            LOG.debug("job {} took no result: {}", jobId, e.getMessage());
        }
    }

    private void fail(String jobId, JobOutcome.Failure failure) {
        complete(jobId, failure);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (loop != null) {
            loop.interrupt();
            loop = null;
        }
    }
}
