package dev.conveyor.bench;

import dev.conveyor.testkit.MotoServer;
import dev.conveyor.testkit.PostgresServer;
import dev.conveyor.testkit.TestCredentials;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The scale-out benchmark (issue 19): with 1, 2 and 3 replicas on one PostgreSQL and one S3-compatible store (moto),
 * executions per second (an S3 source and a Commands build, started round-robin across the replicas, until all have
 * succeeded) and GetPipeline throughput (clients spread over the replicas); with the most replicas, failover time: a
 * replica is killed with SIGKILL while running jobs, and the clock runs until every job it held runs elsewhere.
 *
 * <pre>java -cp conveyor-bench/target/conveyor-bench.jar dev.conveyor.bench.ScaleOutBench [executions] [getPipelineSeconds]</pre>
 *
 * All replicas share the machine's cores, so more replicas add availability here, not throughput: the figures say what
 * the coordination (row locks, the change feed, advisory locks) costs, on this machine.
 */
public final class ScaleOutBench {
    private static final int CLIENTS = 8;

    private final Path work;
    private final Path jar;
    private final String s3Endpoint;

    private ScaleOutBench(Path work, Path jar, String s3Endpoint) {
        this.work = work;
        this.jar = jar;
        this.s3Endpoint = s3Endpoint;
    }

    public static void main(String[] args) throws Exception {
        int executions = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path jar = Path.of(System.getProperty("conveyor.jar", "conveyor-cli/target/conveyor-cli.jar"));
        Path work = Files.createTempDirectory("conveyor-scale-bench-");
        PostgresServer postgres = PostgresServer.shared();
        try (MotoServer moto = MotoServer.start()) {
            ScaleOutBench bench = new ScaleOutBench(work, jar, moto.endpoint());
            List<String> rows = new ArrayList<>();
            String failover = null;
            for (int replicas = 1; replicas <= 3; replicas++) {
                String database = postgres.createDatabase();
                List<Replica> started = new ArrayList<>();
                try {
                    for (int i = 0; i < replicas; i++) {
                        started.add(bench.start(database, "r" + replicas + "-" + i));
                    }
                    bench.setUp(started.getFirst().endpoint, "bench-sources-" + replicas);
                    double perSecond = bench.executions(started, executions, "bench-sources-" + replicas);
                    double[] get = bench.getPipeline(started, Duration.ofSeconds(seconds));
                    rows.add(String.format(Locale.ROOT, "| %d | %.1f | %,.0f | %.2f | %.2f |", replicas, perSecond, get[0], get[1], get[2]));
                    System.out.println(rows.getLast());
                    if (replicas == 3) {
                        failover = bench.failover(started, database, "bench-sources-" + replicas);
                        System.out.println(failover);
                    }
                } finally {
                    started.forEach(Replica::close);
                }
            }
            System.out.println();
            System.out.println("| Replicas | Executions/s (" + executions + ", Source S3 + Commands) | GetPipeline requests/s ("
                    + CLIENTS + " clients, " + seconds + " s) | GetPipeline p50 ms | p99 ms |");
            System.out.println("| --- | --- | --- | --- | --- |");
            rows.forEach(System.out::println);
            System.out.println();
            System.out.println(failover);
        }
    }

    /** A replica process and its clients. */
    private record Replica(Process process, String endpoint, Path dataDir) {
        void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Replica start(String database, String name) throws Exception {
        Path dataDir = work.resolve(name);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "server", "--port", "0", "--data-dir", dataDir.toString(), "--database", database,
                "--artifact-endpoint", s3Endpoint, "--lease-seconds", "5", "--agent-capacity", "4").redirectErrorStream(true);
        builder.environment().putAll(java.util.Map.of("AWS_ACCESS_KEY_ID", "bench", "AWS_SECRET_ACCESS_KEY", "bench", "AWS_REGION", "us-east-1",
                "CONVEYOR_ADMIN_ACCESS_KEY_ID", TestCredentials.ACCESS_KEY_ID, "CONVEYOR_ADMIN_SECRET_ACCESS_KEY", TestCredentials.SECRET_ACCESS_KEY));
        Process process = builder.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    int at = line.indexOf("Conveyor is ready at ");
                    if (at >= 0) {
                        ready.complete(line.substring(at + "Conveyor is ready at ".length()).split("\\s")[0]);
                    }
                }
                ready.completeExceptionally(new IllegalStateException("replica " + name + " exited"));
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
        });
        return new Replica(process, ready.get(120, TimeUnit.SECONDS), dataDir);
    }

    private static CodePipelineClient client(String endpoint) {
        return BenchServer.client(CodePipelineClient.builder(), endpoint);
    }

    private void setUp(String endpoint, String bucket) throws Exception {
        try (S3Client s3 = BenchServer.client(S3Client.builder().forcePathStyle(true), endpoint);
             CodePipelineClient pipelines = client(endpoint)) {
            s3.createBucket(b -> b.bucket(bucket));
            ByteArrayOutputStream zip = new ByteArrayOutputStream();
            try (ZipOutputStream out = new ZipOutputStream(zip)) {
                out.putNextEntry(new ZipEntry("app.txt"));
                out.write("hello\n".getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            s3.putObject(b -> b.bucket(bucket).key("app.zip"), RequestBody.fromBytes(zip.toByteArray()));
            for (String name : List.of("bench", "slow")) {
                String command = name.equals("slow") ? "sleep 8" : "true";
                pipelines.createPipeline(b -> b.pipeline(p -> p.name(name).roleArn("arn:aws:iam::111111111111:role/r")
                        .pipelineType("V2").executionMode("PARALLEL")
                        .artifactStore(s -> s.type("S3").location(bucket + "-artifacts"))
                        .stages(st -> st.name("Source").actions(a -> a.name("Source")
                                        .actionTypeId(t -> t.category("Source").owner("AWS").provider("S3").version("1"))
                                        .configuration(java.util.Map.of("S3Bucket", bucket, "S3ObjectKey", "app.zip", "PollForSourceChanges", "false"))
                                        .outputArtifacts(o -> o.name("Src"))),
                                st -> st.name("Build").actions(a -> a.name("Build")
                                        .actionTypeId(t -> t.category("Compute").owner("AWS").provider("Commands").version("1"))
                                        .inputArtifacts(i -> i.name("Src")).commands(command)))));
            }
        }
    }

    /** Starts {@code count} executions round-robin across the replicas and returns how many finished per second. */
    private double executions(List<Replica> replicas, int count, String bucket) throws Exception {
        awaitIdle(replicas.getFirst().endpoint, "bench");
        Set<String> before = ids(replicas.getFirst().endpoint, "bench");
        long started = System.nanoTime();
        List<String> ids = startMany(replicas, "bench", count);
        awaitSettled(replicas.getFirst().endpoint, "bench", ids, before);
        return count / ((System.nanoTime() - started) / 1e9);
    }

    private static List<String> startMany(List<Replica> replicas, String pipeline, int count) throws Exception {
        List<CodePipelineClient> clients = replicas.stream().map(r -> client(r.endpoint)).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                CodePipelineClient c = clients.get(i % clients.size());
                futures.add(pool.submit(() -> c.startPipelineExecution(r -> r.name(pipeline)).pipelineExecutionId()));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : futures) {
                ids.add(f.get());
            }
            return ids;
        } finally {
            clients.forEach(CodePipelineClient::close);
        }
    }

    private static Set<String> ids(String endpoint, String pipeline) {
        try (CodePipelineClient c = client(endpoint)) {
            Set<String> ids = new HashSet<>();
            c.listPipelineExecutionsPaginator(r -> r.pipelineName(pipeline).maxResults(100)).pipelineExecutionSummaries()
                    .forEach(e -> ids.add(e.pipelineExecutionId()));
            return ids;
        }
    }

    private static void awaitIdle(String endpoint, String pipeline) throws InterruptedException {
        awaitSettled(endpoint, pipeline, List.of(), Set.of());
    }

    private static void awaitSettled(String endpoint, String pipeline, List<String> ids, Set<String> ignored) throws InterruptedException {
        try (CodePipelineClient c = client(endpoint)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < deadline) {
                List<PipelineExecutionSummary> all = new ArrayList<>();
                c.listPipelineExecutionsPaginator(r -> r.pipelineName(pipeline).maxResults(100)).pipelineExecutionSummaries().forEach(all::add);
                boolean busy = all.stream().anyMatch(e -> e.statusAsString().equals("InProgress") || e.statusAsString().equals("Stopping"));
                long failed = all.stream().filter(e -> ids.contains(e.pipelineExecutionId()) && !e.statusAsString().equals("Succeeded")
                        && !e.statusAsString().equals("InProgress")).count();
                if (failed > 0) {
                    throw new IllegalStateException(failed + " executions did not succeed");
                }
                if (!busy) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("executions did not settle in 10 minutes");
        }
    }

    /** GetPipeline from {@link #CLIENTS} threads, each spreading its calls over the replicas: requests/s, p50 and p99 in ms. */
    private double[] getPipeline(List<Replica> replicas, Duration duration) throws Exception {
        Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong done = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long end = warmupEnd + duration.toNanos();
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            for (int t = 0; t < CLIENTS; t++) {
                int offset = t;
                pool.submit(() -> {
                    List<CodePipelineClient> clients = replicas.stream().map(r -> client(r.endpoint)).toList();
                    Histogram mine = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                    long n = 0;
                    for (int i = offset; System.nanoTime() < end; i++) {
                        long start = System.nanoTime();
                        try {
                            clients.get(i % clients.size()).getPipeline(r -> r.name("bench"));
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                        }
                        long now = System.nanoTime();
                        if (start >= warmupEnd) {
                            mine.recordValue(Math.min(now - start, TimeUnit.SECONDS.toNanos(60)));
                            n++;
                        }
                    }
                    synchronized (latencies) {
                        latencies.add(mine);
                    }
                    done.addAndGet(n);
                    clients.forEach(CodePipelineClient::close);
                });
            }
        }
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " GetPipeline calls failed");
        }
        return new double[] {done.get() / (duration.toNanos() / 1e9), latencies.getValueAtPercentile(50) / 1e6,
                latencies.getValueAtPercentile(99) / 1e6};
    }

    /**
     * Kills (SIGKILL) the replica whose embedded agent holds the most running jobs and times how long until every job it
     * held has been taken by another replica, and until its singleton locks are held again.
     */
    private String failover(List<Replica> replicas, String database, String bucket) throws Exception {
        List<String> ids = startMany(replicas, "slow", 12);
        Replica victim = null;
        List<String> held = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (held.isEmpty() && System.nanoTime() < deadline) {
            for (Replica r : replicas) {
                List<String> jobs = jobsHeldBy(database, r.dataDir);
                if (jobs.size() > held.size()) {
                    held = jobs;
                    victim = r;
                }
            }
            Thread.sleep(100);
        }
        if (victim == null) {
            throw new IllegalStateException("no replica took a job of the slow pipeline");
        }
        long killed = System.nanoTime();
        victim.process.destroyForcibly();
        victim.process.waitFor();
        double locksBack = -1;
        double jobsBack = -1;
        while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(120) && (locksBack < 0 || jobsBack < 0)) {
            double elapsed = (System.nanoTime() - killed) / 1e9;
            if (locksBack < 0 && grantedLocks(database) == 5) {
                locksBack = elapsed;
            }
            if (jobsBack < 0 && stillHeld(database, held, victim.dataDir) == 0) {
                jobsBack = elapsed;
            }
            Thread.sleep(50);
        }
        List<Replica> survivors = replicas.stream().filter(r -> r.process.isAlive()).toList();
        awaitSettled(survivors.getFirst().endpoint, "slow", ids, Set.of());
        return String.format(Locale.ROOT, "Failover (3 replicas, job lease 5 s): replica killed while running %d jobs; "
                        + "its jobs running on other replicas again after %.1f s; all five singleton locks held (by the survivors) "
                        + "%.2f s after the kill; all 12 executions succeeded", held.size(), jobsBack, locksBack);
    }

    private static List<String> jobsHeldBy(String database, Path dataDir) throws Exception {
        try (var c = DriverManager.getConnection(database); var s = c.prepareStatement(
                "SELECT id FROM job WHERE status IN ('Dispatched', 'InProgress') AND worker_id LIKE ?")) {
            s.setString(1, "%" + dataDir.toAbsolutePath());
            List<String> ids = new ArrayList<>();
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
            return ids;
        }
    }

    private static int stillHeld(String database, List<String> jobs, Path dataDir) throws Exception {
        List<String> now = jobsHeldBy(database, dataDir);
        now.retainAll(jobs);
        return now.size();
    }

    private static int grantedLocks(String database) throws Exception {
        try (var c = DriverManager.getConnection(database); var s = c.createStatement();
             var r = s.executeQuery("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 1131376246 "
                     + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            r.next();
            return r.getInt(1);
        }
    }
}
