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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.Condition;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.Result;
import software.amazon.awssdk.services.codepipeline.model.RuleDeclaration;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;

/**
 * What stage conditions cost the engine, in-process on the embedded database and on PostgreSQL: pipelines of ten
 * stages of one no-op action each (as in {@link OrchestrationBench}), without conditions, with a beforeEntry condition
 * on every stage, and with beforeEntry and onSuccess conditions on every stage, each condition one VariableCheck rule
 * that resolves a variable and succeeds. The difference in median start-to-Succeeded time, divided by ten, is the
 * overhead per stage: the condition and rule rows, the rule runner's claim, the provider on a virtual thread, the
 * transaction that records the outcome, and the wake-ups between them. Writes the {@code conditions} section of
 * docs/benchmarks.md with {@code --report FILE}.
 */
public final class ConditionBench {
    private static final ActionTypeId NOOP_SOURCE = new ActionTypeId("Source", "Custom", "NoOpSource", "1");
    private static final ActionTypeId NOOP = new ActionTypeId("Build", "Custom", "NoOp", "1");
    private static final int STAGES = 10;
    private static final int RUNS = 30;

    private final ConveyorServer server;
    private final CodePipelineClient client;
    private final Map<String, CountDownLatch> settled = new ConcurrentHashMap<>();

    private ConditionBench(ConveyorServer server) {
        this.server = server;
        this.client = CodePipelineClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build();
        ExecutionListener listener = (pipelines, ids) -> ids.forEach(id -> {
            CountDownLatch latch = settled.get(id);
            if (latch != null && server.queries().executionById(id).status().isSettled()) {
                latch.countDown();
            }
        });
        server.engine().addListener(listener);
    }

    private record NoOpProvider(ActionTypeId actionTypeId) implements ActionProvider {
        @Override
        public JobOutcome run(ActionJob job) {
            return new JobOutcome.Success(null, null, null, null, Map.of(), List.of(), null, null);
        }
    }

    /** Median start-to-Succeeded times of one database, in milliseconds. */
    record Figures(String database, double plainMs, double entryMs, double entryAndSuccessMs) {
        double perEntryCondition() {
            return (entryMs - plainMs) / STAGES;
        }

        double perStageWithBoth() {
            return (entryAndSuccessMs - plainMs) / STAGES;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> argv = Arrays.asList(args);
        String report = argv.contains("--report") ? argv.get(argv.indexOf("--report") + 1) : null;
        List<Figures> figures = new ArrayList<>();
        figures.add(measure("embedded H2", null));
        figures.add(measure("PostgreSQL", PostgresServer.shared().createDatabase()));
        Targets.record("cond.h2.one", figures.get(0).perEntryCondition(), null);
        Targets.record("cond.pg.one", figures.get(1).perEntryCondition(), null);
        String section = section(figures);
        System.out.println(section);
        if (report != null) {
            new ReportWriter(Path.of(report)).replaceSections(Map.of("conditions", section));
        }
        System.exit(0);
    }

    private static Figures measure(String label, String databaseUrl) throws Exception {
        Path dataDir = Files.createTempDirectory("conveyor-conditions-");
        ServerConfig config = ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(
                dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)).withEngine(new ServerConfig.EngineSettings(true, 4,
                Duration.ofDays(7), Duration.ofSeconds(30), Duration.ofSeconds(1)));
        if (databaseUrl != null) {
            config = config.withDatabaseUrl(databaseUrl);
        }
        try (ConveyorServer server = new ConveyorServer(config).start();
             Agent noOps = new Agent("bench-noop", new EngineJobChannel(server.engine()), null,
                     List.of(new NoOpProvider(NOOP_SOURCE), new NoOpProvider(NOOP)), 64, dataDir.resolve("noop-logs"),
                     dataDir.resolve("noop-workspaces"), Duration.ofSeconds(30)).start()) {
            ConditionBench bench = new ConditionBench(server);
            bench.registerTypes();
            bench.createPipeline("plain", false, false);
            bench.createPipeline("entry", true, false);
            bench.createPipeline("both", true, true);
            // Interleaved, so a disturbance of the machine touches the three alike.
            double[][] runs = new double[3][RUNS];
            String[] names = {"plain", "entry", "both"};
            for (int warm = 0; warm < 5; warm++) {
                for (String name : names) {
                    bench.runOnce(name);
                }
            }
            for (int i = 0; i < RUNS; i++) {
                for (int p = 0; p < names.length; p++) {
                    runs[p][i] = bench.runOnce(names[p]);
                }
            }
            return new Figures(label, median(runs[0]), median(runs[1]), median(runs[2]));
        }
    }

    private void registerTypes() {
        client.createCustomActionType(r -> r.category(ActionCategory.SOURCE).provider("NoOpSource").version("1")
                .inputArtifactDetails(d -> d.minimumCount(0).maximumCount(0)).outputArtifactDetails(d -> d.minimumCount(1).maximumCount(1)));
        client.createCustomActionType(r -> r.category(ActionCategory.BUILD).provider("NoOp").version("1")
                .inputArtifactDetails(d -> d.minimumCount(0).maximumCount(1)).outputArtifactDetails(d -> d.minimumCount(0).maximumCount(0)));
    }

    private static ActionDeclaration action(String name, ActionTypeId type) {
        ActionDeclaration.Builder b = ActionDeclaration.builder().name(name).runOrder(1).actionTypeId(a -> a
                .category(type.category()).owner(ActionOwner.CUSTOM).provider(type.provider()).version(type.version()));
        if (type.equals(NOOP_SOURCE)) {
            b.outputArtifacts(OutputArtifact.builder().name("Src").build());
        }
        return b.build();
    }

    private static Condition passing(Result result) {
        return Condition.builder().result(result).rules(RuleDeclaration.builder().name("Check")
                .ruleTypeId(t -> t.category("Rule").owner("AWS").provider("VariableCheck").version("1"))
                .configuration(Map.of("Variable", "#{codepipeline.PipelineExecutionId}", "Operator", "NE", "Value", "none")).build()).build();
    }

    private void createPipeline(String name, boolean entry, boolean success) {
        List<StageDeclaration> all = new ArrayList<>();
        all.add(StageDeclaration.builder().name("Source").actions(action("Source", NOOP_SOURCE)).build());
        for (int i = 1; i <= STAGES; i++) {
            StageDeclaration.Builder stage = StageDeclaration.builder().name("Stage" + i).actions(action("Step" + i, NOOP));
            if (entry) {
                stage.beforeEntry(b -> b.conditions(passing(Result.FAIL)));
            }
            if (success) {
                stage.onSuccess(b -> b.conditions(passing(Result.FAIL)));
            }
            all.add(stage.build());
        }
        client.createPipeline(r -> r.pipeline(PipelineDeclaration.builder().name(name).pipelineType("V2").executionMode("QUEUED")
                .roleArn("arn:aws:iam::111111111111:role/bench").artifactStore(s -> s.type("S3").location("bench-artifacts"))
                .stages(all).build()));
        // The execution CreatePipeline started must not overlap the measured ones.
        for (String id : server.queries().executions(name, null, 10).stream().map(PipelineExecutionRow::id).toList()) {
            awaitSettledRow(id);
        }
    }

    private void awaitSettledRow(String id) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.queries().executionById(id).status().isSettled()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("execution " + id + " did not settle");
            }
            Thread.onSpinWait();
        }
    }

    private double runOnce(String pipeline) throws InterruptedException {
        long start = System.nanoTime();
        CountDownLatch latch = new CountDownLatch(1);
        String id = server.engine().startExecution(StartRequest.manual(pipeline));
        settled.put(id, latch);
        if (server.queries().executionById(id).status().isSettled()) {
            latch.countDown();
        }
        if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("execution " + id + " did not settle");
        }
        double ms = (System.nanoTime() - start) / 1e6;
        PipelineExecutionRow row = server.queries().executionById(id);
        if (!"Succeeded".equals(row.status().name())) {
            throw new IllegalStateException("execution " + id + " ended " + row.status() + ": " + row.statusSummary());
        }
        settled.remove(id);
        return ms;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String section(List<Figures> figures) {
        MachineInfo machine = MachineInfo.collect();
        StringBuilder s = new StringBuilder();
        s.append("Measured ").append(machine.date()).append(" on ").append(machine.cores()).append(" cores / ")
                .append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / 1073741824.0)).append(" with ")
                .append(machine.jdk()).append(" (load average at start: ").append(machine.loadAverageAtStart()).append(").\n\n");
        s.append("Reproduce: `mvn -q -o -pl conveyor-bench -am package -DskipTests && "
                + "java -cp \"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.ConditionBench "
                + "--report docs/benchmarks.md` (a minute or two; PostgreSQL from CONVEYOR_TEST_POSTGRES_URL or its binaries).\n\n");
        s.append("Ten stages of one no-op action each (the orchestration bench's agent), start to Succeeded, median of ")
                .append(RUNS).append(" interleaved runs: without conditions, with a beforeEntry condition on every stage, and with ")
                .append("beforeEntry and onSuccess conditions on every stage; each condition is one VariableCheck rule that resolves ")
                .append("a variable and succeeds. Overhead per stage = (with − without) / 10.\n\n");
        s.append("| Database | No conditions | beforeEntry on each stage | beforeEntry + onSuccess on each stage | ")
                .append("Overhead per stage: one condition | Overhead per stage: two conditions |\n|---|---:|---:|---:|---:|---:|\n");
        for (Figures f : figures) {
            s.append(String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %.2f ms | %.2f ms |%n", f.database(), f.plainMs(),
                    f.entryMs(), f.entryAndSuccessMs(), f.perEntryCondition(), f.perStageWithBoth()));
        }
        return s.toString();
    }
}
