package dev.conveyor.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A job's workspace is made when its provider first asks for it and deleted after the job: a job that never asks
 * (an approval, a relay to a worker elsewhere) makes no directory at all, and one that does gets a private directory
 * of its own that is gone once it has reported.
 */
class AgentWorkspaceTest {
    private static final ActionTypeId NO_FILES = new ActionTypeId("Approval", "Custom", "NoFiles", "1");
    private static final ActionTypeId WRITES = new ActionTypeId("Build", "Custom", "WritesFiles", "1");

    /** Offers the given jobs once each, in order; records their outcomes. */
    private static final class QueueChannel extends QuietChannel {
        final ConcurrentLinkedQueue<ClaimedJob> queue = new ConcurrentLinkedQueue<>();
        final Map<String, JobOutcome> outcomes = new ConcurrentHashMap<>();
        final CountDownLatch done;

        QueueChannel(List<ClaimedJob> jobs) {
            queue.addAll(jobs);
            done = new CountDownLatch(jobs.size());
        }

        @Override
        public List<ClaimedJob> poll(Collection<ActionTypeId> types, Set<String> labels, int max, String workerId, Duration wait)
                throws InterruptedException {
            ClaimedJob next = queue.poll();
            if (next == null) {
                Thread.sleep(wait);
                return List.of();
            }
            return List.of(next);
        }

        @Override
        public void complete(String jobId, JobOutcome outcome) {
            outcomes.put(jobId, outcome);
            done.countDown();
        }
    }

    private static JobChannel.ClaimedJob job(String id, ActionTypeId type) {
        return new JobChannel.ClaimedJob(id, "nonce-" + id, type, "{\"jobData\": {\"pipelineContext\": {\"pipelineExecutionId\": \"e1\", "
                + "\"action\": {\"actionExecutionId\": \"" + id + "\"}}}}");
    }

    private static List<Path> entries(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void aWorkspaceIsMadeOnlyForAJobThatAsksAndIsGoneAfterIt() throws Exception {
        Path dir = Files.createTempDirectory("conveyor-agent-");
        Path workspaces = dir.resolve("work");
        Map<String, List<Path>> seenWhileRunning = new ConcurrentHashMap<>();
        Map<String, Path> workspaceOf = new ConcurrentHashMap<>();
        ActionProvider noFiles = AgentInterruptsTest.provider(NO_FILES, () -> JobOutcome.Success.of("approved"));
        ActionProvider writes = new ActionProvider() {
            @Override
            public ActionTypeId actionTypeId() {
                return WRITES;
            }

            @Override
            public JobOutcome run(ActionJob job) {
                try {
                    Path workspace = job.workspace();
                    assertThat(job.workspace()).as("the same directory on every call").isEqualTo(workspace);
                    Files.writeString(workspace.resolve("out.txt"), "built");
                    workspaceOf.put(job.jobId(), workspace);
                    seenWhileRunning.put(job.jobId(), entries(workspace.getParent()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return JobOutcome.Success.of("built");
            }
        };
        ActionProvider looks = new ActionProvider() {
            @Override
            public ActionTypeId actionTypeId() {
                return NO_FILES;
            }

            @Override
            public JobOutcome run(ActionJob job) throws InterruptedException {
                try {
                    seenWhileRunning.put(job.jobId(), entries(workspaces));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return noFiles.run(job);
            }
        };
        QueueChannel channel = new QueueChannel(List.of(job("approve", NO_FILES), job("build", WRITES)));
        try (Agent agent = new Agent("probe", channel, null, List.of(looks, writes), 1, dir.resolve("logs"), workspaces,
                Duration.ofSeconds(30)).start()) {
            assertThat(channel.done.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(channel.outcomes.get("approve")).isInstanceOf(JobOutcome.Success.class);
        assertThat(channel.outcomes.get("build")).isInstanceOf(JobOutcome.Success.class);
        assertThat(seenWhileRunning.get("approve")).as("no directory made (not even the agent's) for a job that asked for none").isEmpty();
        assertThat(seenWhileRunning.get("build")).containsExactly(workspaceOf.get("build"));
        assertThat(workspaceOf.get("build").getFileName().toString()).startsWith("job-");
        assertThat(workspaceOf.get("build").startsWith(workspaces)).as("under the agent's workspaces").isTrue();
        // Deleted once the job has reported (just after its outcome reached the channel).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!entries(workspaceOf.get("build").getParent()).isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(entries(workspaceOf.get("build").getParent())).as("deleted after the job").isEmpty();
    }
}
