package dev.conveyor.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An agent whose channel hands it the next jobs with a job's result (issue 20: one transaction per action in the
 * server's own agent) runs them at once, on the slot of the job that reported, and never runs more jobs at once than
 * its capacity; once they are done, its poller takes over again.
 */
class AgentNextJobsTest {
    private static final ActionTypeId TYPE = new ActionTypeId("Build", "Custom", "NextJobsProbe", "1");

    private static String data(String id) {
        return "{\"jobData\": {\"pipelineContext\": {\"pipelineExecutionId\": \"e1\", \"action\": {\"actionExecutionId\": \"" + id + "\"}}}}";
    }

    /**
     * Offers job-1 on the first poll; its result brings job-2, and job-2's nothing. Records what the agent asked for
     * with each result and how many polls it had made by then.
     */
    private static final class ChainChannel extends QuietChannel {
        final AtomicInteger polls = new AtomicInteger();
        final Map<String, Integer> askedWith = new ConcurrentHashMap<>();
        final Map<String, Integer> pollsBefore = new ConcurrentHashMap<>();
        final List<String> completed = new CopyOnWriteArrayList<>();
        final CountDownLatch polledAgain = new CountDownLatch(1);

        @Override
        public List<ClaimedJob> poll(Collection<ActionTypeId> types, Set<String> labels, int max, String workerId, Duration wait)
                throws InterruptedException {
            if (polls.incrementAndGet() == 1) {
                return List.of(new ClaimedJob("job-1", "n1", TYPE, data("a1")));
            }
            if (completed.size() == 2) {
                polledAgain.countDown();
            }
            Thread.sleep(Math.min(wait.toMillis(), 50));
            return List.of();
        }

        @Override
        public List<ClaimedJob> completeAndClaim(String jobId, JobOutcome outcome, Collection<ActionTypeId> types, Set<String> labels,
                                                 int max, String workerId) {
            askedWith.put(jobId, max);
            pollsBefore.put(jobId, polls.get());
            completed.add(jobId);
            return jobId.equals("job-1") ? List.of(new ClaimedJob("job-2", "n2", TYPE, data("a2"))) : List.of();
        }

        @Override
        public void complete(String jobId, JobOutcome outcome) {
            throw new AssertionError("the agent reports through completeAndClaim");
        }
    }

    private static ActionProvider provider(AtomicInteger running, AtomicInteger mostAtOnce) {
        return AgentInterruptsTest.provider(TYPE, () -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(20);
            running.decrementAndGet();
            return JobOutcome.Success.of("done");
        });
    }

    @Test
    void theJobHandedOverWithAResultRunsOnItsSlotWithoutAPoll() throws Exception {
        Path dir = Files.createTempDirectory("conveyor-agent-");
        ChainChannel channel = new ChainChannel();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        try (Agent agent = new Agent("probe", channel, null, List.of(provider(running, mostAtOnce)), 1, dir.resolve("logs"),
                dir.resolve("work"), Duration.ofSeconds(30)).start()) {
            assertThat(channel.polledAgain.await(10, TimeUnit.SECONDS)).as("the poller polls again once the jobs are done").isTrue();
            assertThat(channel.completed).containsExactly("job-1", "job-2");
            assertThat(channel.askedWith).as("one slot: job-1's, then job-2's").containsEntry("job-1", 1).containsEntry("job-2", 1);
            assertThat(channel.pollsBefore.get("job-2")).as("the poller waited for the slot job-2 took over").isEqualTo(1);
            assertThat(mostAtOnce.get()).as("never more than the capacity at once").isEqualTo(1);
        }
    }
}
