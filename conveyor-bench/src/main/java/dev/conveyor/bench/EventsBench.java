package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
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
import dev.conveyor.server.events.EventSettings;
import dev.conveyor.testkit.PostgresServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * What events cost and how fast they arrive, in-process, on the embedded database and on PostgreSQL:
 * <ul>
 *   <li>the engine's overhead per action (a source and 50 sequential no-op actions, divided by 51) without the outbox
 *       recorder and with it, same run, one server after the other;</li>
 *   <li>delivery latency: from the moment a no-op action's provider returns to the moment a webhook receiver (a JDK
 *       HTTP server in this process) has the action's SUCCEEDED event (p50/p99);</li>
 *   <li>events per second through the outbox to the receiver: 8 PARALLEL pipelines × 25 executions started at once, every
 *       event matched by one rule, from the first start until the receiver has them all.</li>
 * </ul>
 * Writes the {@code events} section of docs/benchmarks.md with {@code --report FILE}.
 */
public final class EventsBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ActionTypeId NOOP_SOURCE = new ActionTypeId("Source", "Custom", "NoOpSource", "1");
    private static final ActionTypeId NOOP = new ActionTypeId("Build", "Custom", "NoOp", "1");

    /** When each no-op action's provider returned, by execution id and action name (for latency). */
    private static final Map<String, Long> RETURNED = new ConcurrentHashMap<>();

    private record NoOpProvider(ActionTypeId actionTypeId) implements ActionProvider {
        @Override
        public JobOutcome run(ActionJob job) {
            RETURNED.put(job.pipelineExecutionId() + "/" + job.actionName(), System.nanoTime());
            return new JobOutcome.Success(null, null, null, null, Map.of(), List.of(), null, null);
        }
    }

    record Figures(String database, double withoutMs, double withMs, double p50Ms, double p99Ms, double eventsPerSecond, int events) {
    }

    private final ConveyorServer server;
    private final CodePipelineClient client;
    private final Map<String, CountDownLatch> settled = new ConcurrentHashMap<>();

    private EventsBench(ConveyorServer server) {
        this.server = server;
        this.client = CodePipelineClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
        ExecutionListener listener = (pipelines, ids) -> ids.forEach(id -> {
            CountDownLatch latch = settled.get(id);
            if (latch != null && server.queries().executionById(id).status().isSettled()) {
                latch.countDown();
            }
        });
        server.engine().addListener(listener);
    }

    public static void main(String[] args) throws Exception {
        List<String> argv = Arrays.asList(args);
        String report = argv.contains("--report") ? argv.get(argv.indexOf("--report") + 1) : null;
        boolean h2Only = argv.contains("--h2-only");
        List<Figures> figures = new ArrayList<>();
        figures.add(measure("embedded H2", null));
        if (!h2Only) {
            figures.add(measure("PostgreSQL", PostgresServer.shared().createDatabase()));
        }
        String section = section(figures);
        System.out.println(section);
        if (report != null) {
            new ReportWriter(Path.of(report)).replaceSections(Map.of("events", section));
        }
        System.exit(0);
    }

    private static ServerConfig config(String databaseUrl) throws Exception {
        ServerConfig config = ServerConfig.embedded(Files.createTempDirectory("conveyor-events-bench-"), 0)
                .withAuth(ServerConfig.AuthSettings.administrator(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID,
                        dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)).withEngine(
                new ServerConfig.EngineSettings(true, 4, Duration.ofDays(7), Duration.ofSeconds(30), Duration.ofSeconds(1)));
        return databaseUrl == null ? config : config.withDatabaseUrl(databaseUrl);
    }

    /** Rounds of the overhead comparison: without, with, without, with… so that the machine's load drifts over both alike. */
    private static final int ROUNDS = 3;

    private static Figures measure(String label, String databaseUrl) throws Exception {
        double[] without = new double[ROUNDS];
        double[] with = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            without[round] = run(config(url(databaseUrl)), EventSettings.defaults().withoutTransitionEvents(), EventsBench::perActionOverhead, null);
            with[round] = run(config(url(databaseUrl)), EventSettings.defaults(), EventsBench::perActionOverhead, null);
        }
        double[] delivery = new double[4];
        run(config(url(databaseUrl)), EventSettings.defaults(), b -> 0, b -> {
            double[] latency = b.latency();
            double[] throughput = b.throughput();
            delivery[0] = latency[0];
            delivery[1] = latency[1];
            delivery[2] = throughput[0];
            delivery[3] = throughput[1];
        });
        return new Figures(label, median(without), median(with), delivery[0], delivery[1], delivery[2], (int) delivery[3]);
    }

    /** A fresh database of the kind {@code databaseUrl} names (null: embedded H2). */
    private static String url(String databaseUrl) {
        return databaseUrl == null ? null : PostgresServer.shared().createDatabase();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    @FunctionalInterface
    interface Measure {
        double run(EventsBench bench) throws Exception;
    }

    @FunctionalInterface
    interface After {
        void run(EventsBench bench) throws Exception;
    }

    private static double run(ServerConfig config, EventSettings events, Measure measure, After after) throws Exception {
        Path dataDir = config.dataDir();
        try (ConveyorServer server = new ConveyorServer(config).withEvents(events).start();
             Agent noOps = new Agent("bench-noop", new EngineJobChannel(server.engine()), null,
                     List.of(new NoOpProvider(NOOP_SOURCE), new NoOpProvider(NOOP)), 64, dataDir.resolve("noop-logs"),
                     dataDir.resolve("noop-workspaces"), Duration.ofSeconds(30)).start()) {
            EventsBench bench = new EventsBench(server);
            bench.registerTypes();
            double value = measure.run(bench);
            if (after != null) {
                after.run(bench);
            }
            return value;
        }
    }

    private void registerTypes() {
        client.createCustomActionType(r -> r.category(ActionCategory.SOURCE).provider("NoOpSource").version("1")
                .inputArtifactDetails(d -> d.minimumCount(0).maximumCount(0)).outputArtifactDetails(d -> d.minimumCount(1).maximumCount(1)));
        client.createCustomActionType(r -> r.category(ActionCategory.BUILD).provider("NoOp").version("1")
                .inputArtifactDetails(d -> d.minimumCount(0).maximumCount(1)).outputArtifactDetails(d -> d.minimumCount(0).maximumCount(0)));
    }

    private static ActionDeclaration action(String name, ActionTypeId type, int runOrder) {
        ActionDeclaration.Builder b = ActionDeclaration.builder().name(name).runOrder(runOrder).actionTypeId(a -> a
                .category(type.category()).owner(ActionOwner.CUSTOM).provider(type.provider()).version(type.version()));
        if (type.equals(NOOP_SOURCE)) {
            b.outputArtifacts(OutputArtifact.builder().name("Src").build());
        }
        return b.build();
    }

    private void createPipeline(String name, String mode, List<StageDeclaration> stages) {
        List<StageDeclaration> all = new ArrayList<>();
        all.add(StageDeclaration.builder().name("Source").actions(action("Source", NOOP_SOURCE, 1)).build());
        all.addAll(stages);
        client.createPipeline(r -> r.pipeline(PipelineDeclaration.builder().name(name).pipelineType("V2").executionMode(mode)
                .roleArn("arn:aws:iam::111111111111:role/bench").artifactStore(s -> s.type("S3").location("bench-artifacts"))
                .stages(all).build()));
    }

    private String start(String pipeline) {
        CountDownLatch latch = new CountDownLatch(1);
        String id = server.engine().startExecution(StartRequest.manual(pipeline));
        settled.put(id, latch);
        if (server.queries().executionById(id).status().isSettled()) {
            latch.countDown();
        }
        return id;
    }

    private void await(String id) throws InterruptedException {
        if (!settled.get(id).await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("execution " + id + " did not settle");
        }
        settled.remove(id);
    }

    private double perActionOverhead() throws InterruptedException {
        List<ActionDeclaration> chain = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            chain.add(action("Step" + i, NOOP, i));
        }
        createPipeline("chain", "QUEUED", List.of(StageDeclaration.builder().name("Chain").actions(chain).build()));
        for (int i = 0; i < 5; i++) {
            await(start("chain"));
        }
        double[] runs = new double[10];
        for (int i = 0; i < runs.length; i++) {
            long t = System.nanoTime();
            await(start("chain"));
            runs[i] = (System.nanoTime() - t) / 1e6 / 51.0;
        }
        Arrays.sort(runs);
        return runs[runs.length / 2];
    }

    /** A receiver on loopback; {@code onEvent} gets each event's JSON and the time it arrived. */
    private static HttpServer receiver(java.util.function.BiConsumer<JsonNode, Long> onEvent) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long at = System.nanoTime();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            onEvent.accept(JSON.readTree(body), at);
        });
        http.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        return http;
    }

    private void rule(String name, String pattern, int port) {
        try (EventBridgeClient events = EventBridgeClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            events.putRule(r -> r.name(name).eventPattern(pattern));
            events.putTargets(r -> r.rule(name).targets(t -> t.id("hook").arn("http://127.0.0.1:" + port + "/" + name)
                    .httpParameters(h -> h.headerParameters(Map.of("X-Conveyor-Webhook-Secret", "bench")))));
        }
    }

    /** State change (the provider returned) to receiver, for 200 four-stage executions' actions. */
    private double[] latency() throws Exception {
        List<Double> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger expected = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        int executions = 100;
        HttpServer http = receiver((event, at) -> {
            JsonNode d = event.path("detail");
            Long returned = RETURNED.get(d.path("execution-id").asText() + "/" + d.path("action").asText());
            if (returned != null && d.path("pipeline").asText().equals("latency")) {
                samples.add((at - returned) / 1e6);
                if (samples.size() == expected.get()) {
                    all.countDown();
                }
            }
        });
        try {
            rule("succeeded-actions", "{\"detail-type\": [\"CodePipeline Action Execution State Change\"], "
                    + "\"detail\": {\"state\": [\"SUCCEEDED\"], \"pipeline\": [\"latency\"]}}", http.getAddress().getPort());
            createPipeline("latency", "QUEUED", List.of(
                    StageDeclaration.builder().name("Build").actions(action("Build", NOOP, 1)).build(),
                    StageDeclaration.builder().name("Test").actions(action("Test", NOOP, 1)).build(),
                    StageDeclaration.builder().name("Deploy").actions(action("Deploy", NOOP, 1)).build()));
            expected.set(executions * 4);
            for (int i = 0; i < executions; i++) {
                await(start("latency"));
            }
            if (!all.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + samples.size() + " of " + expected.get() + " events arrived");
            }
        } finally {
            http.stop(0);
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]};
    }

    /** Events per second from the first start until the receiver has every event of 200 parallel executions. */
    private double[] throughput() throws Exception {
        int pipelines = 8;
        int perPipeline = 25;
        int perExecution = 1 + 4 * 4 + 1; // pipeline STARTED; each stage STARTED/SUCCEEDED with its action's two; pipeline SUCCEEDED
        int expected = pipelines * perPipeline * perExecution;
        AtomicLong last = new AtomicLong();
        AtomicInteger count = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        HttpServer http = receiver((event, at) -> {
            if (event.path("detail").path("pipeline").asText().startsWith("burst-")) {
                last.set(at);
                if (count.incrementAndGet() == expected) {
                    all.countDown();
                }
            }
        });
        try {
            for (int p = 0; p < pipelines; p++) {
                createPipeline("burst-" + p, "PARALLEL", List.of(
                        StageDeclaration.builder().name("Build").actions(action("Build", NOOP, 1)).build(),
                        StageDeclaration.builder().name("Test").actions(action("Test", NOOP, 1)).build(),
                        StageDeclaration.builder().name("Deploy").actions(action("Deploy", NOOP, 1)).build()));
            }
            // Creating a pipeline starts it: let those first executions settle before the rule exists.
            for (int p = 0; p < pipelines; p++) {
                String name = "burst-" + p;
                while (client.listPipelineExecutions(r -> r.pipelineName(name)).pipelineExecutionSummaries().stream()
                        .anyMatch(e -> e.statusAsString().equals("InProgress"))) {
                    Thread.sleep(50);
                }
            }
            rule("bursts", "{\"source\": [\"aws.codepipeline\"], \"detail\": {\"pipeline\": [{\"prefix\": \"burst-\"}]}}",
                    http.getAddress().getPort());
            long begin = System.nanoTime();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int p = 0; p < pipelines; p++) {
                    String name = "burst-" + p;
                    for (int i = 0; i < perPipeline; i++) {
                        pool.submit(() -> start(name));
                    }
                }
            }
            if (!all.await(180, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + count.get() + " of " + expected + " events arrived");
            }
            return new double[] {expected / ((last.get() - begin) / 1e9), expected};
        } finally {
            http.stop(0);
        }
    }

    private static String section(List<Figures> figures) {
        MachineInfo machine = MachineInfo.collect();
        StringBuilder s = new StringBuilder();
        s.append("Measured ").append(machine.date()).append(" on ").append(machine.cores()).append(" cores / ")
                .append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / 1073741824.0)).append(" with ")
                .append(machine.jdk()).append(" (load average at start: ").append(machine.loadAverageAtStart())
                .append("; the machine was shared with other builds, so absolute figures are pessimistic).\n\n");
        s.append("Reproduce: `mvn -q -DskipTests install && mvn -q -f conveyor-bench/pom.xml package && "
                + "java -cp \"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.EventsBench "
                + "--report docs/benchmarks.md`.\n\n");
        s.append("In-process server with no-op actions (as in Orchestration). *Overhead per action* is the engine's cost per action "
                + "without the outbox recorder and with it: the median of " + ROUNDS + " rounds, each a fresh server without then "
                + "one with, alternating in the same run so that the machine's load weighs on both alike. *Delivery latency* runs "
                + "from the no-op provider's return to a webhook receiver on loopback holding the action's SUCCEEDED event "
                + "(400 events). *Outbox throughput* is events delivered per second while 200 parallel executions run, every "
                + "event matched by one webhook rule.\n\n");
        s.append("| Database | Overhead per action, no events → events | Delivery latency p50 / p99 | Outbox throughput | Events |\n"
                + "|---|---:|---:|---:|---:|\n");
        for (Figures f : figures) {
            s.append(String.format(Locale.ROOT, "| %s | %.2f → %.2f ms | %.1f / %.1f ms | %.0f events/s | %d |%n", f.database(),
                    f.withoutMs(), f.withMs(), f.p50Ms(), f.p99Ms(), f.eventsPerSecond(), f.events()));
        }
        return s.toString();
    }
}
