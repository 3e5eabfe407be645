package dev.conveyor.bench;

import dev.conveyor.engine.ExecutionListener;
import dev.conveyor.engine.StartRequest;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.agent.Agent;
import dev.conveyor.engine.agent.EngineJobChannel;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.testkit.PostgresServer;
import dev.conveyor.testkit.TestCredentials;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;

/**
 * An in-process Conveyor server as the in-process benchmarks measure the engine (OrchestrationBench, ConditionBench,
 * EventsBench): the test administrator's credentials, a one-second sweep, and an extra agent whose two custom action
 * types, {@link #NOOP_SOURCE} and {@link #NOOP}, succeed at once, so that what is timed is orchestration, not bash,
 * HTTP or artifacts. It carries a signed CodePipeline client and the waits every benchmark needs.
 *
 * <pre>{@code
 * try (BenchServer bench = BenchServer.start(null)) {                 // null: embedded H2; BenchServer.freshPostgres()
 *     bench.createPipeline("four", "QUEUED", List.of(BenchServer.stage("Build", BenchServer.noOp("Build", 1))));
 *     double ms = bench.runOnce("four");                              // start, await Succeeded, wall time
 * }
 * }</pre>
 * Every pipeline it creates begins with a stage {@code Source} holding one no-op source (output artifact {@code Src}).
 * Process-based benchmarks (a packaged server, replicas) use only {@link #client(AwsClientBuilder, String)}.
 */
public final class BenchServer implements AutoCloseable {
    public static final ActionTypeId NOOP_SOURCE = new ActionTypeId("Source", "Custom", "NoOpSource", "1");
    public static final ActionTypeId NOOP = new ActionTypeId("Build", "Custom", "NoOp", "1");
    private static final long SETTLE_SECONDS = 120;

    private final ConveyorServer server;
    private final Agent noOps;
    private final CodePipelineClient client;
    private final Map<String, CountDownLatch> settled = new ConcurrentHashMap<>();

    private BenchServer(ConveyorServer server, Agent noOps) {
        this.server = server;
        this.noOps = noOps;
        this.client = client(CodePipelineClient.builder(), server.endpoint());
        ExecutionListener listener = (pipelines, ids) -> ids.forEach(id -> {
            CountDownLatch latch = settled.get(id);
            if (latch != null && server.queries().executionById(id).status().isSettled()) {
                latch.countDown();
            }
        });
        server.engine().addListener(listener);
        registerNoOpTypes();
    }

    /** A server on {@code databaseUrl} (null: the embedded H2 database in a fresh data directory). */
    public static BenchServer start(String databaseUrl) throws IOException {
        return start(databaseUrl, UnaryOperator.identity(), job -> { });
    }

    /**
     * The same, with {@code configure} applied to the server before it starts (e.g. {@code s -> s.withEvents(…)}) and
     * {@code onNoOp} called by each no-op action as it succeeds (e.g. to note when).
     */
    public static BenchServer start(String databaseUrl, UnaryOperator<ConveyorServer> configure, Consumer<ActionJob> onNoOp)
            throws IOException {
        Path dataDir = Files.createTempDirectory("conveyor-bench-");
        ServerConfig config = ServerConfig.embedded(dataDir, 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))
                .withEngine(new ServerConfig.EngineSettings(true, 4, Duration.ofDays(7), Duration.ofSeconds(30), Duration.ofSeconds(1)));
        if (databaseUrl != null) {
            config = config.withDatabaseUrl(databaseUrl);
        }
        ConveyorServer server = configure.apply(new ConveyorServer(config)).start();
        try {
            Agent noOps = new Agent("bench-noop", new EngineJobChannel(server.engine()), null,
                    List.of(new NoOpProvider(NOOP_SOURCE, onNoOp), new NoOpProvider(NOOP, onNoOp)), 64, dataDir.resolve("noop-logs"),
                    dataDir.resolve("noop-workspaces"), Duration.ofSeconds(30)).start();
            return new BenchServer(server, noOps);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** A fresh database on the benchmark's PostgreSQL (CONVEYOR_TEST_POSTGRES_URL, or a private cluster). */
    public static String freshPostgres() {
        return PostgresServer.shared().createDatabase();
    }

    /** A client of {@code endpoint} signing with the test administrator's key, e.g. {@code client(S3Client.builder(), url)}. */
    public static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder, String endpoint) {
        return builder.endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public ConveyorServer server() {
        return server;
    }

    public CodePipelineClient client() {
        return client;
    }

    /** A no-op action of type {@link #NOOP}. */
    public static ActionDeclaration noOp(String name, int runOrder) {
        return action(name, NOOP, runOrder);
    }

    public static StageDeclaration stage(String name, ActionDeclaration... actions) {
        return StageDeclaration.builder().name(name).actions(actions).build();
    }

    private static ActionDeclaration action(String name, ActionTypeId type, int runOrder) {
        ActionDeclaration.Builder b = ActionDeclaration.builder().name(name).runOrder(runOrder).actionTypeId(a -> a
                .category(type.category()).owner(ActionOwner.CUSTOM).provider(type.provider()).version(type.version()));
        if (type.equals(NOOP_SOURCE)) {
            b.outputArtifacts(OutputArtifact.builder().name("Src").build());
        }
        return b.build();
    }

    /**
     * Creates a V2 pipeline of the no-op source stage followed by {@code stages}, and waits until the execution that
     * creating it started has settled, so that it does not overlap what is measured next.
     */
    public void createPipeline(String name, String executionMode, List<StageDeclaration> stages) {
        List<StageDeclaration> all = new ArrayList<>();
        all.add(stage("Source", action("Source", NOOP_SOURCE, 1)));
        all.addAll(stages);
        client.createPipeline(r -> r.pipeline(PipelineDeclaration.builder().name(name).pipelineType("V2").executionMode(executionMode)
                .roleArn("arn:aws:iam::111111111111:role/bench").artifactStore(s -> s.type("S3").location("bench-artifacts"))
                .stages(all).build()));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        for (String id : server.queries().executions(name, null, 10).stream().map(PipelineExecutionRow::id).toList()) {
            while (!server.queries().executionById(id).status().isSettled()) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("the execution creating " + name + " started did not settle");
                }
                sleep(5);
            }
        }
    }

    /** Starts an execution of {@code pipeline} (as a manual start, in this process); its id. */
    public String startExecution(String pipeline) {
        CountDownLatch latch = new CountDownLatch(1);
        String id = server.engine().startExecution(StartRequest.manual(pipeline));
        settled.put(id, latch); // after the start: it may have settled already, which the check below sees
        if (server.queries().executionById(id).status().isSettled()) {
            latch.countDown();
        }
        return id;
    }

    /** Waits until execution {@code id} (from {@link #startExecution}) has settled; fails unless it Succeeded. */
    public void awaitSucceeded(String id) throws InterruptedException {
        CountDownLatch latch = settled.get(id);
        if (latch == null) {
            throw new IllegalArgumentException("execution " + id + " was not started by this bench server");
        }
        if (!latch.await(SETTLE_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("execution " + id + " did not settle in " + SETTLE_SECONDS + " s");
        }
        settled.remove(id);
        PipelineExecutionRow row = server.queries().executionById(id);
        if (!"Succeeded".equals(row.status().name())) {
            throw new IllegalStateException("execution " + id + " ended " + row.status() + ": " + row.statusSummary());
        }
    }

    /** Starts an execution and waits until it has Succeeded; its wall time in milliseconds. */
    public double runOnce(String pipeline) throws InterruptedException {
        long start = System.nanoTime();
        awaitSucceeded(startExecution(pipeline));
        return (System.nanoTime() - start) / 1e6;
    }

    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    @Override
    public void close() {
        client.close();
        noOps.close();
        server.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void registerNoOpTypes() {
        client.createCustomActionType(r -> r.category(ActionCategory.SOURCE).provider(NOOP_SOURCE.provider()).version("1")
                .inputArtifactDetails(d -> d.minimumCount(0).maximumCount(0)).outputArtifactDetails(d -> d.minimumCount(1).maximumCount(1)));
        client.createCustomActionType(r -> r.category(ActionCategory.BUILD).provider(NOOP.provider()).version("1")
                .inputArtifactDetails(d -> d.minimumCount(0).maximumCount(1)).outputArtifactDetails(d -> d.minimumCount(0).maximumCount(0)));
    }

    /** A provider that succeeds at once: what is measured is everything around it. */
    private record NoOpProvider(ActionTypeId actionTypeId, Consumer<ActionJob> onRun) implements ActionProvider {
        @Override
        public JobOutcome run(ActionJob job) {
            onRun.accept(job);
            return new JobOutcome.Success(null, null, null, null, Map.of(), List.of(), null, null);
        }
    }
}
