package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.conveyor.server.events.EventSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
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
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
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

    /** When each no-op action's provider returned, by execution id and action name (for latency). */
    private static final Map<String, Long> RETURNED = new ConcurrentHashMap<>();

    record Figures(String database, double withoutMs, double withMs, double p50Ms, double p99Ms, double eventsPerSecond, int events) {
    }

    private final BenchServer bench;

    private EventsBench(BenchServer bench) {
        this.bench = bench;
    }

    public static void main(String[] args) throws Exception {
        List<String> argv = Arrays.asList(args);
        String report = argv.contains("--report") ? argv.get(argv.indexOf("--report") + 1) : null;
        boolean h2Only = argv.contains("--h2-only");
        List<Figures> figures = new ArrayList<>();
        figures.add(measure("embedded H2", null));
        if (!h2Only) {
            figures.add(measure("PostgreSQL", BenchServer.freshPostgres()));
        }
        String section = section(figures);
        System.out.println(section);
        if (report != null) {
            new ReportWriter(Path.of(report)).replaceSections(Map.of("events", section));
        }
        System.exit(0);
    }

    /** Rounds of the overhead comparison: without, with, without, with… so that the machine's load drifts over both alike. */
    private static final int ROUNDS = 3;

    private static Figures measure(String label, String databaseUrl) throws Exception {
        double[] without = new double[ROUNDS];
        double[] with = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            without[round] = run(url(databaseUrl), EventSettings.defaults().withoutTransitionEvents(), EventsBench::perActionOverhead, null);
            with[round] = run(url(databaseUrl), EventSettings.defaults(), EventsBench::perActionOverhead, null);
        }
        double[] delivery = new double[4];
        run(url(databaseUrl), EventSettings.defaults(), b -> 0, b -> {
            double[] latency = b.latency();
            double[] throughput = b.throughput();
            delivery[0] = latency[0];
            delivery[1] = latency[1];
            delivery[2] = throughput[0];
            delivery[3] = throughput[1];
        });
        return new Figures(label, BenchServer.median(without), BenchServer.median(with), delivery[0], delivery[1], delivery[2], (int) delivery[3]);
    }

    /** A fresh database of the kind {@code databaseUrl} names (null: embedded H2). */
    private static String url(String databaseUrl) {
        return databaseUrl == null ? null : BenchServer.freshPostgres();
    }

    @FunctionalInterface
    interface Measure {
        double run(EventsBench bench) throws Exception;
    }

    @FunctionalInterface
    interface After {
        void run(EventsBench bench) throws Exception;
    }

    private static double run(String databaseUrl, EventSettings events, Measure measure, After after) throws Exception {
        try (BenchServer server = BenchServer.start(databaseUrl, s -> s.withEvents(events),
                job -> RETURNED.put(job.pipelineExecutionId() + "/" + job.actionName(), System.nanoTime()))) {
            EventsBench bench = new EventsBench(server);
            double value = measure.run(bench);
            if (after != null) {
                after.run(bench);
            }
            return value;
        }
    }

    private static List<StageDeclaration> buildTestDeploy() {
        return List.of(BenchServer.stage("Build", BenchServer.noOp("Build", 1)), BenchServer.stage("Test", BenchServer.noOp("Test", 1)),
                BenchServer.stage("Deploy", BenchServer.noOp("Deploy", 1)));
    }

    private double perActionOverhead() throws InterruptedException {
        List<ActionDeclaration> chain = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            chain.add(BenchServer.noOp("Step" + i, i));
        }
        bench.createPipeline("chain", "QUEUED", List.of(BenchServer.stage("Chain", chain.toArray(ActionDeclaration[]::new))));
        for (int i = 0; i < 5; i++) {
            bench.runOnce("chain");
        }
        double[] runs = new double[10];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = bench.runOnce("chain") / 51.0;
        }
        return BenchServer.median(runs);
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
        try (EventBridgeClient events = BenchServer.client(EventBridgeClient.builder(), bench.server().endpoint())) {
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
            bench.createPipeline("latency", "QUEUED", buildTestDeploy());
            expected.set(executions * 4);
            for (int i = 0; i < executions; i++) {
                bench.awaitSucceeded(bench.startExecution("latency"));
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
            // Creating a pipeline starts it; createPipeline lets that first execution settle before the rule exists.
            for (int p = 0; p < pipelines; p++) {
                bench.createPipeline("burst-" + p, "PARALLEL", buildTestDeploy());
            }
            rule("bursts", "{\"source\": [\"aws.codepipeline\"], \"detail\": {\"pipeline\": [{\"prefix\": \"burst-\"}]}}",
                    http.getAddress().getPort());
            long begin = System.nanoTime();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int p = 0; p < pipelines; p++) {
                    String name = "burst-" + p;
                    for (int i = 0; i < perPipeline; i++) {
                        pool.submit(() -> bench.startExecution(name));
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
        StringBuilder s = new StringBuilder(MachineInfo.collect().measuredOn()).append(".\n\n");
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
