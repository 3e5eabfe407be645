package dev.conveyor.engine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.artifacts.ArtifactStore;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs of the built-in action types it has providers for, up to {@code capacity} at once, each on its own
 * virtual thread in a fresh workspace that is deleted afterwards. While a job runs its lease is renewed; when the
 * queue stops renewing it (the action was abandoned or timed out) the job's thread is interrupted, unless it is
 * already reporting its outcome ({@link RunningJob}).
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final String workerId;
    private final java.util.Set<String> labels;
    private final JobChannel channel;
    private final ArtifactStore artifacts;
    private final Map<ActionTypeId, ActionProvider> providers;
    private final int capacity;
    private final Path logsDir;
    private final Path workspacesDir;
    private final Duration renewEvery;
    private final Semaphore slots;
    private final Map<String, RunningJob> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private Thread poller;
    private Thread renewer;

    public Agent(String workerId, JobChannel channel, ArtifactStore artifacts, List<ActionProvider> providers, int capacity,
                 Path logsDir, Path workspacesDir, Duration lease) {
        this(workerId, java.util.Set.of(), channel, artifacts, providers, capacity, logsDir, workspacesDir, lease);
    }

    /** An agent that also takes jobs whose actions require some of {@code labels} (see {@link AgentLabels}). */
    public Agent(String workerId, java.util.Set<String> labels, JobChannel channel, ArtifactStore artifacts,
                 List<ActionProvider> providers, int capacity, Path logsDir, Path workspacesDir, Duration lease) {
        this.labels = java.util.Set.copyOf(labels);
        this.workerId = workerId;
        this.channel = channel;
        this.artifacts = artifacts;
        this.providers = providers.stream().collect(Collectors.toMap(ActionProvider::actionTypeId, Function.identity()));
        this.capacity = capacity;
        this.logsDir = logsDir;
        // Each agent keeps its workspaces apart, so that its janitor never touches another live agent's (several
        // replicas or agents may share one directory).
        this.workspacesDir = workspacesDir.resolve(workerId.replaceAll("[^A-Za-z0-9._-]", "_"));
        this.renewEvery = lease.dividedBy(3);
        this.slots = new Semaphore(capacity);
    }

    public String workerId() {
        return workerId;
    }

    public synchronized Agent start() {
        // Before our jobs are offered again: kill what a dead predecessor left running and delete its workspaces.
        WorkspaceJanitor.cleanLeftovers(workspacesDir);
        channel.releaseJobsOf(workerId);
        poller = Thread.ofVirtual().name("agent-poll-" + workerId).start(this::pollLoop);
        renewer = Thread.ofVirtual().name("agent-renew-" + workerId).start(this::renewLoop);
        LOG.info("agent {} runs {} (capacity {})", workerId, providers.keySet().stream().map(ActionTypeId::provider).sorted().toList(), capacity);
        return this;
    }

    private void pollLoop() {
        while (!stopping) {
            try {
                slots.acquire();
                int free = 1 + slots.drainPermits();
                List<JobChannel.ClaimedJob> jobs;
                try {
                    jobs = channel.poll(providers.keySet(), labels, free, workerId, Duration.ofSeconds(1));
                } catch (RuntimeException e) {
                    slots.release(free); // a failed poll (a server replica gone, issue 19) must not cost capacity
                    throw e;
                }
                slots.release(free - jobs.size());
                jobs.forEach(this::launch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("agent {} could not poll for jobs: {}", workerId, e.toString());
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    /** Runs a claimed job on a thread of its own; the caller holds a slot for it, which the job releases when done. */
    private void launch(JobChannel.ClaimedJob job) {
        RunningJob runningJob = new RunningJob();
        Thread thread = Thread.ofVirtual().name("job-" + job.jobId()).unstarted(() -> runJob(job, runningJob));
        runningJob.thread = thread;
        running.put(job.jobId(), runningJob);
        thread.start();
    }

    private void runJob(JobChannel.ClaimedJob claimed, RunningJob runningJob) {
        ActionJob job = null;
        boolean slotHandedOn = false;
        try {
            channel.acknowledge(claimed.jobId(), claimed.nonce());
            JsonNode data = ConveyorJson.mapper().readTree(claimed.dataJson());
            JsonNode context = data.path("jobData").path("pipelineContext");
            Path logFile = logsDir.resolve(context.path("pipelineExecutionId").asText())
                    .resolve(context.path("action").path("actionExecutionId").asText() + ".log");
            JobOutcome outcome;
            try (ActionLog log = new ActionLog(logFile, ActionLog.DEFAULT_MAX_BYTES, secretsOf(data),
                    line -> channel.appendLog(claimed.jobId(), workerId, line))) {
                job = new ActionJob(claimed.jobId(), data, this::newWorkspace, log, artifacts,
                        request -> channel.request(claimed.jobId(), workerId, request));
                ActionProvider provider = providers.get(claimed.actionTypeId());
                try {
                    outcome = provider.run(job);
                } catch (RuntimeException e) {
                    log.line("[conveyor] the action failed: " + e.getMessage());
                    outcome = JobOutcome.Failure.jobFailed(safeMessage(e));
                }
            }
            if (runningJob.reporting()) {
                slotHandedOn = reportAndRunNext(claimed.jobId(), outcome);
            }
        } catch (InterruptedException e) {
            LOG.info("job {} was interrupted (abandoned, timed out or agent stopping)", claimed.jobId());
        } catch (IOException | RuntimeException e) {
            LOG.warn("job {} could not run: {}", claimed.jobId(), e.toString());
            report(claimed.jobId(), JobOutcome.Failure.jobFailed("The agent could not run the job: " + safeMessage(e)));
        } finally {
            running.remove(claimed.jobId());
            if (!slotHandedOn) {
                slots.release();
            }
            Path workspace = job == null ? null : job.workspaceIfMade();
            if (workspace != null) {
                deleteTree(workspace);
                try {
                    Files.deleteIfExists(WorkspaceJanitor.processGroupsOf(workspace));
                } catch (IOException e) {
                    LOG.warn("could not delete {}: {}", WorkspaceJanitor.processGroupsOf(workspace), e.toString());
                }
            }
        }
    }

    /**
     * A failure's message fit for the API: a file system exception's message is a path on this host, so it is
     * described by its kind instead (issue 13, item 19); the log keeps the full text.
     */
    static String safeMessage(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.FileSystemException fs) {
                return "a file operation failed (" + fs.getClass().getSimpleName()
                        + (fs.getReason() == null ? "" : ": " + fs.getReason()) + ")";
            }
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * Reports a job's outcome, taking with it the next jobs it queued for this agent (one transaction where the channel
     * allows: issue 20), and starts them. They run on this job's slot and on the slots free now. True when this job's
     * slot went to one of them.
     */
    private boolean reportAndRunNext(String jobId, JobOutcome outcome) {
        if (stopping) {
            report(jobId, outcome);
            return false;
        }
        int extra = slots.drainPermits();
        List<JobChannel.ClaimedJob> next = List.of();
        try {
            next = channel.completeAndClaim(jobId, outcome, providers.keySet(), labels, 1 + extra, workerId);
        } catch (RuntimeException e) {
            LOG.info("result of job {} not taken: {}", jobId, e.getMessage());
        }
        if (next.isEmpty()) {
            slots.release(extra);
            return false;
        }
        slots.release(extra + 1 - next.size());
        next.forEach(this::launch);
        return true;
    }

    private void report(String jobId, JobOutcome outcome) {
        try {
            channel.complete(jobId, outcome);
        } catch (RuntimeException e) {
            // The action moved on without us (abandoned, timed out, job offered to another agent): the result is
            // not wanted any more; or the server is unreachable, and the lease will expire and re-offer the job.
            LOG.info("result of job {} not taken: {}", jobId, e.getMessage());
        }
    }

    private void renewLoop() {
        while (!stopping) {
            sleepQuietly(renewEvery);
            for (Map.Entry<String, RunningJob> job : running.entrySet()) {
                try {
                    if (!channel.renew(job.getKey(), workerId)) {
                        job.getValue().stop();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("could not renew the lease of job {}: {}", job.getKey(), e.toString());
                }
            }
        }
    }

    /** Values the log must never show: secret environment variables given to the action. */
    private static List<String> secretsOf(JsonNode data) {
        return data.path("secretValues").isArray()
                ? Stream.of(ConveyorJson.convert(data.path("secretValues"), String[].class)).toList()
                : List.of();
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path newWorkspace() {
        try {
            Files.createDirectories(workspacesDir);
            return Files.createTempDirectory(workspacesDir, "job-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot make the job's workspace in " + workspacesDir, e);
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete workspace {}: {}", root, e.toString());
        }
    }

    /** Stops taking jobs and interrupts the running ones; their leases expire and they are offered again. */
    /**
     * Takes no new job, lets the running ones finish for up to {@code grace}, then stops the rest and hands their jobs
     * back to the queue at once (a server draining before it stops: issue 19), rather than after their leases expire.
     */
    public void drain(Duration grace) throws InterruptedException {
        synchronized (this) {
            stopping = true;
            if (poller != null) {
                poller.interrupt();
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        boolean left = !running.isEmpty();
        close();
        if (left) {
            channel.releaseJobsOf(workerId);
        }
    }

    @Override
    public synchronized void close() {
        stopping = true;
        if (poller != null) {
            poller.interrupt();
            renewer.interrupt();
        }
        running.values().forEach(RunningJob::stop);
    }

    /**
     * A job's thread, which may be interrupted to stop the job while its provider runs, and no more once it reports
     * its outcome: a thread interrupted in the middle of a database call breaks the connection it was using (and the
     * file of an embedded database, where the file system lets it), and a job whose lease was lost is typically one
     * that just reported.
     */
    private static final class RunningJob {
        private Thread thread;
        private boolean reporting;
        private boolean stopped;

        /** Interrupts the job unless it is reporting already. */
        synchronized void stop() {
            if (!reporting && thread != null) {
                stopped = true;
                thread.interrupt();
            }
        }

        /**
         * Called by the job's own thread before it reports: from now on it is not interrupted. False when it was
         * stopped meanwhile: its outcome is not wanted (the lease is gone), and its interrupt is cleared.
         */
        synchronized boolean reporting() {
            reporting = true;
            boolean wasStopped = stopped;
            Thread.interrupted();
            return !wasStopped;
        }
    }

    public int capacity() {
        return capacity;
    }
}
