package dev.conveyor.e2e;

import org.junit.jupiter.api.parallel.Isolated;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.testkit.Await;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;

/**
 * Issue 19: three replicas on one PostgreSQL and one S3-compatible store (S3Proxy, holding the artifacts), HAProxy in front; the source is a repository the cluster hosts; the AWS CLI, an
 * SDK client and two remote agents talk to HAProxy only. Executions started across replicas all finish with every
 * build run once (the agents' own records), while each replica in turn is killed with SIGKILL mid-load, and then while
 * all are restarted one at a time (SIGTERM, drain); a scheduled pipeline fires once per tick throughout.
 */
@Isolated("three replicas, S3Proxy, HAProxy and two agents under load, killed in turn: failover and schedule ticks are timed")
class ScaleOutTest {
    /** Executions started in each phase (five phases); {@code -Dconveyor.e2e.scale.executions=40} gives the 200. */
    private static final int PER_PHASE = Integer.getInteger("conveyor.e2e.scale.executions", 16);

    @TempDir
    Path work;

    @Test
    void threeReplicasLoseNothingWhenOneIsKilledOrAllAreRestartedInTurn() throws Exception {
        // The builds' own record of what ran: a directory the agents let their sandboxed jobs (an unprivileged user) write.
        Path marks = Files.createDirectories(work.resolve("marks"));
        Files.setPosixFilePermissions(marks, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        try (ReplicatedCluster cluster = new ReplicatedCluster(work, 3);
             AgentProcess a = AgentProcess.start(cluster.endpoint(), "agent-a", work.resolve("agent-a"), "--capacity", "3",
                     "--lease-seconds", "5", "--job-writable-dir", marks.toString());
             AgentProcess b = AgentProcess.start(cluster.endpoint(), "agent-b", work.resolve("agent-b"), "--capacity", "3",
                     "--lease-seconds", "5", "--job-writable-dir", marks.toString());
             CodePipelineClient sdk = sdk(cluster.endpoint())) {
            try {
                run(cluster, sdk, marks);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n--- agent a\n" + tail(a.output()) + "\n--- agent b\n" + tail(b.output()), e);
            }
        }
    }

    /** When the schedule started "tick", oldest first (each trigger's detail ends "… at <instant>"). */
    private static List<Instant> ticks(CodePipelineClient sdk) {
        return sdk.listPipelineExecutionsPaginator(r -> r.pipelineName("tick")).pipelineExecutionSummaries().stream()
                .filter(e -> "CloudWatchEvent".equals(e.trigger().triggerTypeAsString()))
                .map(e -> Instant.parse(e.trigger().triggerDetail().substring(e.trigger().triggerDetail().lastIndexOf(" at ") + 4)))
                .sorted().toList();
    }

    private static String tail(String s) {
        return s.substring(Math.max(0, s.length() - 4000));
    }

    private void run(ReplicatedCluster cluster, CodePipelineClient sdk, Path marks) throws Exception {
        {
            AwsCli aws = new AwsCli(cluster.endpoint(), work);
            // The source: a repository hosted by the cluster (kept in the database), pushed through the load balancer.
            Path app = Files.createDirectories(work.resolve("app"));
            Git.run(app, "init", "-q", "-b", "main");
            Files.writeString(app.resolve("app.txt"), "hello\n");
            Git.run(app, "add", "-A");
            Git.run(app, "commit", "-q", "-m", "the app");
            Git.asAdministrator(app, work.resolve("replica-0"), "push", "-q", cluster.endpoint() + "/v1/repos/app", "main");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + pipeline("load",
                    "echo \"start $CODEPIPELINE_EXECUTION_ID $(date +%s%N) $PWD\" >> " + marks + "/runs",
                    "sleep 0.3",
                    "echo \"end $CODEPIPELINE_EXECUTION_ID $(date +%s%N) $PWD\" >> " + marks + "/runs"));
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + pipeline("tick", "echo tick"), "--tags",
                    "[{\"key\": \"conveyor:schedule\", \"value\": \"rate(1 minute)\"}]");
            List<String> ids = new ArrayList<>(List.of(Executions.createdExecution(aws, "load")));
            AtomicInteger failedStarts = new AtomicInteger();

            // 1. Load across the three replicas, nobody killed: every build runs exactly once.
            ids.addAll(startMany(sdk, PER_PHASE, failedStarts, () -> { }));
            awaitSettled(sdk, ids, cluster);
            assertSucceeded(sdk, ids, cluster);
            assertRanOnce(marks, ids);

            // 2-4. Each replica in turn killed with SIGKILL in the middle of a load, then started again.
            for (int victim = 0; victim < cluster.size(); victim++) {
                int killed = victim;
                ids.addAll(startMany(sdk, PER_PHASE, failedStarts, () -> {
                    try {
                        cluster.kill(killed);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                awaitSettled(sdk, ids, cluster);
                assertSucceeded(sdk, ids, cluster);
                pushAndCloneThroughSurvivors(cluster, killed);
                cluster.startReplica(killed);
                cluster.awaitAllReady();
            }

            // 5. A rolling restart under load: each replica drained (SIGTERM) and started again, one at a time.
            List<String> rolling = new ArrayList<>();
            try (ExecutorService load = Executors.newSingleThreadExecutor()) {
                Future<List<String>> started = load.submit(() -> startMany(sdk, PER_PHASE, failedStarts, () -> { }));
                for (int i = 0; i < cluster.size(); i++) {
                    assertThat(cluster.terminate(i)).as("replica %d stopped cleanly on SIGTERM", i).isIn(0, 143);

                    cluster.startReplica(i);
                    cluster.awaitAllReady();
                }
                rolling.addAll(started.get());
            }
            ids.addAll(rolling);
            awaitSettled(sdk, ids, cluster);

            assertThat(failedStarts.get()).as("starts the SDK could not complete (only retriable errors are allowed)").isZero();
            assertSucceeded(sdk, ids, cluster);
            assertNoBuildRanTwiceAtOnce(marks, ids);

            // The schedule fired once per tick, with no tick missed, whatever replica was down. The first tick comes a
            // minute after the pipeline was created: when the phases above took less, wait for it.
            List<Instant> ticks = dev.conveyor.testkit.Await.await(() -> ticks(sdk), t -> !t.isEmpty(), Duration.ofSeconds(100),
                    "the scheduled pipeline's first tick");
            assertThat(ticks).as("ticks").doesNotHaveDuplicates().isNotEmpty();
            for (int i = 1; i < ticks.size(); i++) {
                // A rate counts from when its occurrence fired (checked every 5 s): a minute apart, plus that delay.
                assertThat(Duration.between(ticks.get(i - 1), ticks.get(i))).as("no tick missed or doubled")
                        .isBetween(Duration.ofMinutes(1), Duration.ofSeconds(80));
            }

            // Metrics of one replica show the work of all (the counts come from the shared database).
            String metrics = new String(URI.create(cluster.replicaEndpoint(0) + "/metrics").toURL().openStream().readAllBytes());
            assertThat(metrics).containsPattern("conveyor_executions\\{status=\"Succeeded\"} [1-9]");
        }
    }

    /** With replica {@code killed} down: a push to one survivor is cloned at once from the other. */
    private void pushAndCloneThroughSurvivors(ReplicatedCluster cluster, int killed) throws Exception {
        String pushTo = cluster.replicaEndpoint((killed + 1) % cluster.size()) + "/v1/repos/shared";
        String cloneFrom = cluster.replicaEndpoint((killed + 2) % cluster.size()) + "/v1/repos/shared";
        Path tree = work.resolve("git-" + killed);
        if (killed == 0) {
            Files.createDirectories(tree);
            Git.run(tree, "init", "-q", "-b", "main");
        } else {
            Git.asAdministrator(work, work.resolve("replica-0"), "clone", "-q", cluster.endpoint() + "/v1/repos/shared", tree.toString());
        }
        Files.writeString(tree.resolve("killed.txt"), "replica " + killed + " was down\n");
        Git.run(tree, "add", "-A");
        Git.run(tree, "commit", "-q", "-m", "while replica " + killed + " was down");
        Git.asAdministrator(tree, work.resolve("replica-0"), "push", "-q", pushTo, "main");
        Path clone = work.resolve("clone-" + killed);
        Git.asAdministrator(work, work.resolve("replica-0"), "clone", "-q", cloneFrom, clone.toString());
        assertThat(Files.readString(clone.resolve("killed.txt"))).isEqualTo("replica " + killed + " was down\n");
        assertThat(Git.run(clone, "rev-parse", "HEAD").strip()).isEqualTo(Git.run(tree, "rev-parse", "HEAD").strip());
    }

    private Path pipeline(String name, String... commands) throws Exception {
        return BuildPipelines.write(work, name, "scale-artifacts", BuildPipelines.codeCommitSource("app"), commands);
    }

    /** Starts {@code count} executions of {@code load} from four threads; runs {@code midway} after half were started. */
    private static List<String> startMany(CodePipelineClient sdk, int count, AtomicInteger failed, Runnable midway) throws Exception {
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger started = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> {
                    try {
                        ids.add(sdk.startPipelineExecution(r -> r.name("load")).pipelineExecutionId());
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                        System.err.println("start failed: " + e);
                    }
                    if (started.incrementAndGet() == count / 2) {
                        midway.run();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        return ids;
    }

    /** Every execution succeeded; else the first failure's actions, and the replicas' logs. */
    private static void assertSucceeded(CodePipelineClient sdk, List<String> ids, ReplicatedCluster cluster) {
        Map<String, String> statuses = statuses(sdk);
        for (String id : ids) {
            if (!"Succeeded".equals(statuses.get(id))) {
                StringBuilder why = new StringBuilder("execution " + id + " (" + (ids.indexOf(id) + 1) + " of " + ids.size() + ") is "
                        + statuses.get(id) + ":\n");
                sdk.listActionExecutions(r -> r.pipelineName("load").filter(f -> f.pipelineExecutionId(id))).actionExecutionDetails()
                        .forEach(a -> why.append(a.actionName()).append(' ').append(a.statusAsString()).append(' ')
                                .append(a.output() == null || a.output().executionResult() == null ? "" : a.output().executionResult().externalExecutionSummary())
                                .append(' ').append(a.output() == null || a.output().executionResult() == null
                                        || a.output().executionResult().errorDetails() == null ? "" : a.output().executionResult().errorDetails().message())
                                .append('\n'));
                throw new AssertionError(why + cluster.outputs());
            }
        }
    }

    private static Map<String, String> statuses(CodePipelineClient sdk) {
        Map<String, String> statuses = new HashMap<>();
        for (PipelineExecutionSummary e : sdk.listPipelineExecutionsPaginator(r -> r.pipelineName("load").maxResults(100))
                .pipelineExecutionSummaries()) {
            statuses.put(e.pipelineExecutionId(), e.statusAsString());
        }
        return statuses;
    }

    private static void awaitSettled(CodePipelineClient sdk, List<String> ids, ReplicatedCluster cluster) {
        try {
            Await.await(() -> statuses(sdk), s -> ids.stream().noneMatch(id -> Set.of("InProgress", "Stopping").contains(s.get(id))
                    || s.get(id) == null), Duration.ofSeconds(150), "every execution to settle");
        } catch (AssertionError e) {
            StringBuilder stuck = new StringBuilder();
            Map<String, String> now = statuses(sdk);
            ids.stream().filter(id -> !"Succeeded".equals(now.get(id))).limit(3).forEach(id -> {
                stuck.append(id).append(": ");
                sdk.listActionExecutions(r -> r.pipelineName("load").filter(f -> f.pipelineExecutionId(id))).actionExecutionDetails()
                        .forEach(a -> stuck.append(a.actionName()).append('=').append(a.statusAsString()).append(' '));
                stuck.append('\n');
            });
            throw new AssertionError(e.getMessage() + "\n" + stuck + cluster.outputs(), e);
        }
    }

    /** The agents' records: one start and one end per execution. */
    private static void assertRanOnce(Path marks, List<String> ids) throws Exception {
        Map<String, Long> starts = Files.readAllLines(marks.resolve("runs")).stream().filter(l -> l.startsWith("start "))
                .collect(Collectors.groupingBy(l -> l.split(" ")[1], Collectors.counting()));
        assertThat(ids).allSatisfy(id -> assertThat(starts.get(id)).as("builds of " + id).isEqualTo(1L));
        List<String> lines = Files.readAllLines(marks.resolve("runs"));
        assertThat(lines).as("both agents took work").anyMatch(l -> l.contains("agent-a")).anyMatch(l -> l.contains("agent-b"));
    }

    /** No two runs of one execution's build overlapped in time (a build handed out again only after its first run ended). */
    private static void assertNoBuildRanTwiceAtOnce(Path marks, List<String> ids) throws Exception {
        Map<String, List<long[]>> runs = new ConcurrentHashMap<>();
        Map<String, Long> open = new HashMap<>();
        for (String line : Files.readAllLines(marks.resolve("runs"))) {
            String[] f = line.split(" ");
            String key = f[1] + " " + f[3];
            if (f[0].equals("start")) {
                open.put(key, Long.parseLong(f[2]));
            } else if (open.containsKey(key)) {
                runs.computeIfAbsent(f[1], k -> new ArrayList<>()).add(new long[] {open.remove(key), Long.parseLong(f[2])});
            }
        }
        for (String id : ids) {
            List<long[]> intervals = runs.getOrDefault(id, List.of()).stream().sorted((x, y) -> Long.compare(x[0], y[0])).toList();
            assertThat(intervals).as("completed builds of " + id).isNotEmpty();
            for (int i = 1; i < intervals.size(); i++) {
                assertThat(intervals.get(i)[0]).as("a second build of " + id + " began after the first ended").isGreaterThan(intervals.get(i - 1)[1]);
            }
        }
    }

    private static CodePipelineClient sdk(String endpoint) {
        return CodePipelineClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID,
                        dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
