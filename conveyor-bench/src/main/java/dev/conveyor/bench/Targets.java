package dev.conveyor.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The targets table {@code bin/bench} prints at the end of a run: every target of issue 20 and every figure of
 * docs/benchmarks.md, each with what this run measured, whether it is met, and the command that measures it alone.
 *
 * <p>Figures that have no target of their own are kept as regression bounds: within 10 % of the value the last
 * full report gave (named in the row), so that a regression shows as a miss. Each benchmark (a process of its own)
 * appends what it measured to the file named by {@code CONVEYOR_BENCH_TARGETS} ({@link #record}), one
 * {@code id<TAB>value<TAB>note} line each; {@code bin/bench} then prints the table from it ({@link #main}). Rows this
 * run did not measure say so, with their command, so a partial run still shows every target.
 */
final class Targets {
    /** The environment variable naming the file measurements are appended to. */
    static final String FILE_VARIABLE = "CONVEYOR_BENCH_TARGETS";

    enum Bound {
        AT_MOST("≤"), AT_LEAST("≥"), BELOW("<");

        final String symbol;

        Bound(String symbol) {
            this.symbol = symbol;
        }

        boolean met(double measured, double limit) {
            return switch (this) {
                case AT_MOST -> measured <= limit;
                case AT_LEAST -> measured >= limit;
                case BELOW -> measured < limit;
            };
        }
    }

    /** One row: what is measured, its bound, and the command that measures it alone. */
    record Target(String id, String what, Bound bound, double limit, String unit, String origin, String command) {
    }

    private static final String API = "bin/bench --servers conveyor,moto --workloads GetPipeline --executions 0";
    private static final String API_ALL = "bin/bench --servers conveyor";
    private static final String ORCH = "java -cp \"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.OrchestrationBench";
    private static final String COND = "java -cp \"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.ConditionBench";
    private static final String ART = "java -cp \"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.ArtifactBench --root .";
    private static final String GIT = "java -cp \"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.GitPushBench --root . --runs 50";
    private static final String CB = "java -cp \"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.CodeBuildBench";
    private static final String DEPLOY = "java -cp \"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.DeployBench";
    private static final String I20 = "issue 20";
    private static final String EARLIER = "earlier target";

    /** Last full report: 2026-12-02 (API, orchestration, artifacts, git, CodeBuild), 2026-12-06 (conditions). */
    private static String kept(String value) {
        return "figure kept: last report " + value + ", ±10 %";
    }

    // Deployments (issue 15): DeployBench's first report, 2026-12-06 (machine shared, load average 15), +10 %.
    private static final String DEPLOY_HOST = "664 ms";
    private static final double DEPLOY_HOST_LIMIT = 730.4;
    private static final String DEPLOY_BATCH = "866 ms";
    private static final double DEPLOY_BATCH_LIMIT = 952.3;
    private static final String DEPLOY_SHIFT = "3.0 ms";
    private static final double DEPLOY_SHIFT_LIMIT = 3.3;

    static final List<Target> CATALOG = List.of(
            new Target("api.get.saturated", "GetPipeline saturated throughput (32 connections, closed loop)", Bound.AT_LEAST, 20_000, "req/s", I20, API),
            new Target("api.get.moto", "GetPipeline saturated throughput ÷ moto's, same run", Bound.AT_LEAST, 80, "×", I20, API),
            new Target("api.get.open.p99", "GetPipeline p99 at half the saturated rate (open loop, from intended send time)", Bound.BELOW, 1, "ms", I20, API),
            new Target("api.get.open.p999", "GetPipeline p99.9 at half the saturated rate (open loop)", Bound.BELOW, 3, "ms", I20, API),
            new Target("api.get.closed.p99", "GetPipeline p99 at saturation (closed loop, 32 connections)", Bound.BELOW, 5, "ms", EARLIER, API),
            new Target("api.get.errors", "GetPipeline failed requests (saturated and open loop)", Bound.AT_MOST, 0, "", EARLIER, API),
            new Target("api.list.saturated", "ListPipelines `{}` saturated throughput", Bound.AT_LEAST, 10_088, "req/s", kept("11,209 req/s"),
                    "bin/bench --servers conveyor --workloads ListPipelines --executions 0"),
            new Target("api.list100.saturated", "ListPipelines `{\"maxResults\":100}` saturated throughput", Bound.AT_LEAST, 7_816, "req/s",
                    kept("8,684 req/s"), "bin/bench --servers conveyor --workloads ListPipelines-max100 --executions 0"),
            new Target("api.state.saturated", "GetPipelineState saturated throughput", Bound.AT_LEAST, 12_858, "req/s", kept("14,287 req/s"),
                    "bin/bench --servers conveyor --workloads GetPipelineState --executions 0"),
            new Target("api.start.empty", "Launch to healthy, empty data", Bound.AT_MOST, 2.09, "s", kept("1.9 s"), API),
            new Target("api.start.pipelines", "Launch to healthy, 10,000 pipelines stored", Bound.BELOW, 2, "s", EARLIER, API),
            new Target("api.start.history", "Launch to healthy, 10,000 pipelines and 100,000 executions stored", Bound.BELOW, 1, "s", I20, API_ALL),
            new Target("api.heap.history", "Heap in use with 10,000 pipelines and 100,000 executions (after full GC)", Bound.BELOW, 128, "MiB", I20, API_ALL),
            new Target("api.heap.pipelines", "Heap in use with 10,000 pipelines (after full GC)", Bound.AT_MOST, 30, "MiB", kept("27 MiB"), API),
            new Target("api.store.rate", "CreatePipeline, 10,000 pipelines over 8 connections", Bound.AT_LEAST, 850, "/s", kept("944/s"), API),
            new Target("api.history.reads", "History reads of every pipeline (4 requests each, 8 connections)", Bound.AT_LEAST, 985, "req/s",
                    kept("1,095 req/s"), API_ALL),
            new Target("orch.h2.action", "No-op action transition, embedded H2 (median)", Bound.BELOW, 3, "ms", I20, ORCH),
            new Target("orch.pg.action", "No-op action transition, PostgreSQL (median)", Bound.BELOW, 4, "ms", I20, ORCH),
            new Target("orch.h2.pipeline", "Four-stage no-op pipeline, start to Succeeded, H2 (p50)", Bound.BELOW, 50, "ms", I20, ORCH),
            new Target("orch.pg.pipeline", "Four-stage no-op pipeline, start to Succeeded, PostgreSQL (p50)", Bound.BELOW, 50, "ms", I20, ORCH),
            new Target("cond.h2.one", "Stage condition overhead per stage (one condition), H2", Bound.AT_MOST, 8.69, "ms", kept("7.90 ms"), COND),
            new Target("cond.pg.one", "Stage condition overhead per stage (one condition), PostgreSQL", Bound.AT_MOST, 3.53, "ms", kept("3.21 ms"), COND),
            new Target("art.put", "1 GiB durable PutObject ÷ max(`dd oflag=direct conv=fsync`, single-core MD5 of the GiB)", Bound.AT_MOST, 1.2, "×", I20, ART),
            new Target("art.get", "1 GiB GetObject (discarded) ÷ `dd iflag=direct`", Bound.AT_MOST, 1.1, "×", I20, ART),
            new Target("art.put.enc", "1 GiB encrypted PutObject ÷ max(`dd oflag=direct conv=fsync`, single-core MD5)", Bound.AT_MOST, 1.3, "×", I20, ART),
            new Target("art.get.enc", "1 GiB encrypted GetObject (discarded) ÷ `dd iflag=direct`", Bound.AT_MOST, 1.3, "×", I20, ART),
            new Target("art.get.file", "1 GiB GetObject to a file", Bound.AT_MOST, 2.86, "s", kept("2.60 s"), ART),
            new Target("git.inprogress", "`git push` returns → execution InProgress (p50)", Bound.AT_MOST, 9.5, "ms", kept("8.6 ms"), GIT),
            new Target("git.push", "`git push` to a watched repository (p50)", Bound.AT_MOST, 102.5, "ms", kept("93.2 ms"), GIT),
            new Target("codebuild.first", "CodeBuild action queued → first command, one file (p50)", Bound.AT_MOST, 62.5, "ms", kept("56.8 ms"), CB),
            new Target("deploy.host", "In-place deployment overhead per host beyond its hooks, traffic control, 4 hosts one at a time (p50)",
                    Bound.AT_MOST, DEPLOY_HOST_LIMIT, "ms", kept(DEPLOY_HOST), DEPLOY),
            new Target("deploy.batch", "In-place deployment overhead per batch beyond its hooks, traffic control, 4 hosts one at a time (p50)",
                    Bound.AT_MOST, DEPLOY_BATCH_LIMIT, "ms", kept(DEPLOY_BATCH), DEPLOY),
            new Target("deploy.shift", "Blue/green traffic shift started → HAProxy's stats show the new weights (p50)",
                    Bound.AT_MOST, DEPLOY_SHIFT_LIMIT, "ms", kept(DEPLOY_SHIFT), DEPLOY));

    private Targets() {
    }

    /** A measured value, and what to show beside it (e.g. the raw seconds behind a ratio). */
    record Measured(double value, String note) {
    }

    /**
     * Appends a measurement to the file {@code CONVEYOR_BENCH_TARGETS} names; does nothing when it is not set (a
     * benchmark run on its own prints its own section and needs no table).
     */
    static void record(String id, double value, String note) {
        if (CATALOG.stream().noneMatch(t -> t.id().equals(id))) {
            throw new IllegalArgumentException("no target " + id);
        }
        String file = System.getenv(FILE_VARIABLE);
        if (file == null || file.isBlank()) {
            return;
        }
        String line = id + "\t" + value + "\t" + (note == null ? "" : note.replace('\t', ' ').replace('\n', ' ')) + "\n";
        try {
            Files.writeString(Path.of(file), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record target " + id + " in " + file, e);
        }
    }

    static Map<String, Measured> read(Path file) throws IOException {
        Map<String, Measured> measured = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return measured;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.split("\t", 3);
            if (parts.length >= 2) {
                measured.put(parts[0], new Measured(Double.parseDouble(parts[1]), parts.length > 2 ? parts[2] : ""));
            }
        }
        return measured;
    }

    /** The table, as Markdown: one row per target, in the catalog's order. */
    static String table(Map<String, Measured> measured) {
        StringBuilder md = new StringBuilder();
        md.append("| Target | Bound | Measured | Met | Why this bound | Reproduce |\n|---|---:|---:|---|---|---|\n");
        int met = 0;
        int missed = 0;
        int absent = 0;
        for (Target t : CATALOG) {
            Measured m = measured.get(t.id());
            String value;
            String verdict;
            if (m == null) {
                value = "—";
                verdict = "not measured in this run";
                absent++;
            } else {
                value = number(m.value()) + (t.unit().isEmpty() ? "" : " " + t.unit()) + (m.note().isEmpty() ? "" : " (" + m.note() + ")");
                boolean ok = t.bound().met(m.value(), t.limit());
                verdict = ok ? "met" : "**missed**";
                if (ok) {
                    met++;
                } else {
                    missed++;
                }
            }
            md.append("| ").append(t.what()).append(" | ").append(t.bound().symbol).append(' ').append(number(t.limit()))
                    .append(t.unit().isEmpty() ? "" : " " + t.unit()).append(" | ").append(value).append(" | ").append(verdict)
                    .append(" | ").append(t.origin()).append(" | `").append(t.command()).append("` |\n");
        }
        md.append(String.format(Locale.ROOT, "%n%d met, %d missed, %d not measured in this run.%n", met, missed, absent));
        return md.toString();
    }

    private static String number(double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** Prints the table for the measurements in the file given (bin/bench calls this last). */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Targets FILE (the file CONVEYOR_BENCH_TARGETS named during the run)");
            System.exit(2);
        }
        System.out.println();
        System.out.println("Targets (issue 20 and every figure of docs/benchmarks.md)");
        System.out.println();
        System.out.print(table(read(Path.of(args[0]))));
    }
}
