package dev.conveyor.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.codepipeline.model.Condition;
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
    private static final int STAGES = 10;
    private static final int RUNS = 30;

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
        figures.add(measure("PostgreSQL", BenchServer.freshPostgres()));
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
        try (BenchServer bench = BenchServer.start(databaseUrl)) {
            bench.createPipeline("plain", "QUEUED", stages(false, false));
            bench.createPipeline("entry", "QUEUED", stages(true, false));
            bench.createPipeline("both", "QUEUED", stages(true, true));
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
            return new Figures(label, BenchServer.median(runs[0]), BenchServer.median(runs[1]), BenchServer.median(runs[2]));
        }
    }

    private static Condition passing(Result result) {
        return Condition.builder().result(result).rules(RuleDeclaration.builder().name("Check")
                .ruleTypeId(t -> t.category("Rule").owner("AWS").provider("VariableCheck").version("1"))
                .configuration(Map.of("Variable", "#{codepipeline.PipelineExecutionId}", "Operator", "NE", "Value", "none")).build()).build();
    }

    /** {@value #STAGES} stages of one no-op action, with a passing beforeEntry and/or onSuccess condition on each. */
    private static List<StageDeclaration> stages(boolean entry, boolean success) {
        List<StageDeclaration> all = new ArrayList<>();
        for (int i = 1; i <= STAGES; i++) {
            StageDeclaration.Builder stage = BenchServer.stage("Stage" + i, BenchServer.noOp("Step" + i, 1)).toBuilder();
            if (entry) {
                stage.beforeEntry(b -> b.conditions(passing(Result.FAIL)));
            }
            if (success) {
                stage.onSuccess(b -> b.conditions(passing(Result.FAIL)));
            }
            all.add(stage.build());
        }
        return all;
    }

    private static String section(List<Figures> figures) {
        StringBuilder s = new StringBuilder(MachineInfo.collect().measuredOn()).append(".\n\n");
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
