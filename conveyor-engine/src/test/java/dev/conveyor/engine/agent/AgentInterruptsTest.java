package dev.conveyor.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An agent stops a job whose lease it lost by interrupting its thread while the provider runs, and never once the
 * job reports its outcome: a thread interrupted inside a database call breaks that call's connection (or, on an
 * embedded database's plain file channel, the database itself), and a lease is typically lost because the outcome
 * was just taken.
 */
class AgentInterruptsTest {
    private static final ActionTypeId TYPE = new ActionTypeId("Build", "Custom", "InterruptProbe", "1");
    private static final String DATA = "{\"jobData\": {\"pipelineContext\": {\"pipelineExecutionId\": \"e1\", "
            + "\"action\": {\"actionExecutionId\": \"a1\"}}}}";

    /** Offers one job, then nothing; every renewal is refused, as when the queue no longer holds the job's lease. */
    private static class LostLeaseChannel implements JobChannel {
        private final AtomicBoolean offered = new AtomicBoolean();
        final AtomicInteger renewals = new AtomicInteger();
        final CountDownLatch completed = new CountDownLatch(1);
        volatile boolean interruptedWhileCompleting;

        @Override
        public List<ClaimedJob> poll(Collection<ActionTypeId> types, Set<String> labels, int max, String workerId, Duration wait)
                throws InterruptedException {
            if (offered.compareAndSet(false, true)) {
                return List.of(new ClaimedJob("job-1", "nonce", TYPE, DATA));
            }
            Thread.sleep(wait);
            return List.of();
        }

        @Override
        public void acknowledge(String jobId, String nonce) {
        }

        @Override
        public boolean renew(String jobId, String workerId) {
            renewals.incrementAndGet();
            return false;
        }

        /** Takes its time, as a commit may, while renewals keep being refused. */
        @Override
        public void complete(String jobId, JobOutcome outcome) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            while (System.nanoTime() < until) {
                if (Thread.currentThread().isInterrupted()) {
                    interruptedWhileCompleting = true;
                }
                Thread.onSpinWait();
            }
            completed.countDown();
        }

        @Override
        public void releaseJobsOf(String workerId) {
        }
    }

    private static Agent agent(JobChannel channel, ActionProvider provider, Path dir) {
        return new Agent("probe", channel, null, List.of(provider), 1, dir.resolve("logs"), dir.resolve("work"),
                Duration.ofMillis(150)).start();
    }

    private static ActionProvider provider(ThrowingRun run) {
        return provider(TYPE, run);
    }

    /** A provider of {@code type} whose jobs do {@code run} (also for the other agent tests). */
    static ActionProvider provider(ActionTypeId type, ThrowingRun run) {
        return new ActionProvider() {
            @Override
            public ActionTypeId actionTypeId() {
                return type;
            }

            @Override
            public JobOutcome run(ActionJob job) throws InterruptedException {
                return run.run();
            }
        };
    }

    @FunctionalInterface
    interface ThrowingRun {
        JobOutcome run() throws InterruptedException;
    }

    @Test
    void aJobReportingItsOutcomeIsNotInterruptedThoughItsLeaseIsGone() throws Exception {
        Path dir = Files.createTempDirectory("conveyor-agent-");
        LostLeaseChannel channel = new LostLeaseChannel();
        try (Agent agent = agent(channel, provider(() -> JobOutcome.Success.of("done")), dir)) {
            assertThat(channel.completed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(channel.renewals.get()).as("renewals refused while the outcome was being taken").isPositive();
            assertThat(channel.interruptedWhileCompleting).isFalse();
        }
    }

    @Test
    void aRunningJobWhoseLeaseIsGoneIsInterruptedAndDoesNotReport() throws Exception {
        Path dir = Files.createTempDirectory("conveyor-agent-");
        LostLeaseChannel channel = new LostLeaseChannel();
        CountDownLatch interrupted = new CountDownLatch(1);
        try (Agent agent = agent(channel, provider(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return JobOutcome.Success.of("too late");
        }), dir)) {
            assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the provider was interrupted").isTrue();
            assertThat(channel.completed.await(500, TimeUnit.MILLISECONDS)).as("an outcome reported").isFalse();
        }
    }
}
