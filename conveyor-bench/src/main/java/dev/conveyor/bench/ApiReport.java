package dev.conveyor.bench;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders a run as Markdown: the machine section and the API section of {@code docs/benchmarks.md}. Only
 * formatting happens here; every figure comes from the {@link ServerResults}.
 */
final class ApiReport {
    private static final double TARGET_RPS = 20_000;
    private static final double TARGET_RATIO = 80;
    private static final double TARGET_P99_MS = 5;
    /** Issue 20: with 10,000 pipelines and 100,000 executions, heap under 128 MiB and healthy in under 1 s. */
    private static final long TARGET_HEAP_BYTES = 128L << 20;
    private static final Duration TARGET_START = Duration.ofSeconds(2);
    private static final Duration TARGET_START_WITH_HISTORY = Duration.ofSeconds(1);

    private final BenchOptions options;
    private final MachineInfo machine;
    private final ServerResults conveyor;
    private final ServerResults moto;

    ApiReport(BenchOptions options, MachineInfo machine, List<ServerResults> results) {
        this.options = options;
        this.machine = machine;
        this.conveyor = results.stream().filter(r -> r.server().equals("Conveyor")).findFirst().orElse(null);
        this.moto = results.stream().filter(r -> r.server().equals("moto")).findFirst().orElse(null);
    }

    /** The machine the run measured. */
    String machineSection() {
        return String.join("\n",
                "Last written by `" + options.invokedAs() + "` on " + date() + ".",
                "",
                "| | |",
                "|---|---|",
                "| CPU | " + machine.cores() + " cores (`nproc`), " + machine.cpuModel() + " |",
                "| Memory | " + gib(machine.memoryBytes()) + " |",
                "| OS | " + machine.os() + " |",
                "| JDK (driver and Conveyor) | " + machine.jdk() + " |",
                "| moto | " + machine.moto() + " |",
                "| Load average when the run started | " + machine.loadAverageAtStart() + " |",
                "",
                "The load driver and the server under test share these cores: every figure below includes that "
                        + "contention, and each measurement reports the CPU the driver, the server and the rest of "
                        + "the machine used.");
    }

    /** The API section: throughput and latency table, targets, setup figures and method. */
    String apiSection() {
        List<String> out = new ArrayList<>();
        out.add("Measured " + date() + " on " + machine.cores() + " cores / " + gib(machine.memoryBytes())
                + " with " + machine.jdk() + " and " + machine.moto() + ". " + disturbanceSentence());
        out.add("");
        out.add("Reproduce every figure below (about " + estimatedMinutes() + " min): `" + options.invokedAs()
                + "`. A single row: the command in its last column (prints the row; add `--report "
                + "docs/benchmarks.md` to rewrite this section with it).");
        out.add("");
        out.add("### Reads under load");
        out.add("");
        out.add(options.clients() + " concurrent clients, " + String.format(Locale.ROOT, "%,d", options.pipelines())
                + " stored pipelines, " + seconds(options.warmup()) + " warm-up then " + seconds(options.duration())
                + " measured per row. Latency is per request as seen by the client, in milliseconds.");
        out.add("");
        out.add("| Request | Server | Requests/s | mean | p50 | p99 | p99.9 | max | Errors | Response body | New connections"
                + " | CPU cores: driver / server / other | Reproduce |");
        out.add("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (String id : Workload.ALL_IDS) {
            LoadResult c = conveyor == null ? null : conveyor.load(id);
            LoadResult m = moto == null ? null : moto.load(id);
            String label = requestLabel(id);
            if (c != null) {
                out.add(row(label, serverLabel(conveyor, id), c, BenchOptions.CONVEYOR));
            }
            if (m != null) {
                out.add(row(label, serverLabel(moto, id), m, BenchOptions.MOTO));
            }
            if (c != null && m != null) {
                out.add("| " + label + " | **Conveyor / moto** | **" + ratio(c.requestsPerSecond(), m.requestsPerSecond())
                        + "** | " + ratio(m.meanMillis(), c.meanMillis()) + " lower | " + ratio(m.percentileMillis(50), c.percentileMillis(50)) + " lower | "
                        + ratio(m.percentileMillis(99), c.percentileMillis(99)) + " lower | | | | | | | |");
            }
        }
        out.add("");
        out.addAll(targets());
        out.addAll(setup());
        out.addAll(method());
        return String.join("\n", out);
    }

    private String row(String request, String server, LoadResult r, String serverFlag) {
        String errors = r.hasErrors()
                ? "**" + r.errors() + (r.warmupErrors() > 0 ? " (+" + r.warmupErrors() + " in warm-up)" : "") + ": "
                + r.errorKinds().entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                .collect(Collectors.joining(", ")) + "**"
                : "0";
        CpuUsage cpu = r.cpu();
        return "| " + request + " | " + server
                + " | " + String.format(Locale.ROOT, "%,.0f", r.requestsPerSecond())
                + " | " + ms(r.meanMillis()) + " | " + ms(r.percentileMillis(50)) + " | " + ms(r.percentileMillis(99))
                + " | " + ms(r.percentileMillis(99.9)) + " | " + ms(r.maxMillis())
                + " | " + errors + " | " + bytes(r.meanResponseBytes())
                + " | " + String.format(Locale.ROOT, "%,d", r.connectionsOpened())
                + " | " + String.format(Locale.ROOT, "%.2f / %.2f / %.2f", cpu.clientCores(), cpu.serverCores(),
                cpu.otherCores()) + (cpu.disturbed() ? " ⚠ busy" : "")
                + " | `bin/bench --servers " + serverFlag + " --workloads " + r.workload() + "` |";
    }

    private List<String> targets() {
        List<String> out = new ArrayList<>();
        LoadResult c = conveyor == null ? null : conveyor.load(Workload.GET_PIPELINE);
        LoadResult m = moto == null ? null : moto.load(Workload.GET_PIPELINE);
        HistoryResults history = conveyor == null ? null : conveyor.history();
        if (c == null && history == null) {
            return out;
        }
        out.add("### Targets (Conveyor)");
        out.add("");
        out.add("| Target | Measured | Met |");
        out.add("|---|---:|---|");
        boolean missed = false;
        if (c != null) {
            out.add("| GetPipeline ≥ 20,000 requests/s | " + String.format(Locale.ROOT, "%,.0f", c.requestsPerSecond()) + " | "
                    + met(c.requestsPerSecond() >= TARGET_RPS) + " |");
            if (m != null) {
                double r = c.requestsPerSecond() / m.requestsPerSecond();
                out.add("| GetPipeline ≥ 80× moto's throughput | " + ratio(c.requestsPerSecond(), m.requestsPerSecond())
                        + " | " + met(r >= TARGET_RATIO) + " |");
            }
            out.add("| GetPipeline p99 < 5 ms (closed loop at saturation; the open-loop targets are below) | " + ms(c.percentileMillis(99)) + " ms | "
                    + met(c.percentileMillis(99) < TARGET_P99_MS) + " |");
            out.add("| GetPipeline without errors | " + (c.errors() + c.warmupErrors()) + " | " + met(!c.hasErrors()) + " |");
            missed = c.requestsPerSecond() < TARGET_RPS || c.percentileMillis(99) >= TARGET_P99_MS
                    || (m != null && c.requestsPerSecond() / m.requestsPerSecond() < TARGET_RATIO);
        }
        if (conveyor.restartToHealthy() != null) {
            boolean fast = conveyor.restartToHealthy().compareTo(TARGET_START) < 0;
            out.add("| Launch to healthy with " + count(options.pipelines()) + " pipelines stored < 2 s | "
                    + seconds(conveyor.restartToHealthy()) + busy(conveyor.restartCpu()) + " | " + met(fast) + " |");
            missed |= !fast;
        }
        if (history != null) {
            boolean fast = history.restartToHealthy().compareTo(TARGET_START_WITH_HISTORY) < 0;
            boolean small = history.heap().usedBytes() < TARGET_HEAP_BYTES;
            out.add("| Launch to healthy with " + count(history.pipelines()) + " pipelines and " + count(history.executions())
                    + " executions stored < 1 s | " + seconds(history.restartToHealthy()) + busy(history.restartCpu()) + " | "
                    + met(fast) + " |");
            out.add("| Java heap in use with " + count(history.pipelines()) + " pipelines and " + count(history.executions())
                    + " executions < 128 MiB | " + mib(history.heap().usedBytes()) + " | " + met(small) + " |");
            missed |= !fast || !small;
        }
        out.add("");
        if (c != null) {
            CpuUsage cpu = c.cpu();
            double busy = cpu.clientCores() + cpu.serverCores() + cpu.otherCores();
            out.add(String.format(Locale.ROOT, "During the GetPipeline measurement the machine's %d cores were %.0f%% busy "
                            + "(server %.2f cores, driver %.2f, other processes %.2f)%s", machine.cores(),
                    100 * busy / machine.cores(), cpu.serverCores(), cpu.clientCores(), cpu.otherCores(),
                    busy >= 0.9 * machine.cores()
                            ? ": it is CPU-bound, and the driver's share is CPU the server could not use. On a machine "
                            + "where the clients run elsewhere the server would have all cores."
                            : "."));
            out.add("");
        }
        if (missed) {
            out.add("Conveyor misses at least one target in this run. The figures are reported as measured; "
                    + "see \"Profiles, causes and fixes\" below the generated sections for what has been found and done.");
            out.add("");
        }
        return out;
    }

    private List<String> setup() {
        List<String> out = new ArrayList<>();
        out.add("### Start, load and memory");
        out.add("");
        out.add("| | " + (conveyor != null ? "Conveyor (embedded H2) | " : "") + (moto != null ? "moto | " : ""));
        out.add("|---|" + (conveyor != null ? "---|" : "") + (moto != null ? "---|" : ""));
        out.add("| Launch to healthy, empty data | "
                + cell(conveyor, r -> seconds(r.startToHealthy()) + " (`GET /healthz` 200)")
                + cell(moto, r -> seconds(r.startToHealthy()) + " (first HTTP answer)"));
        out.add("| Launch to healthy, " + String.format(Locale.ROOT, "%,d", options.pipelines()) + " pipelines stored | "
                + cell(conveyor, r -> r.restartToHealthy() == null ? "—" : seconds(r.restartToHealthy()) + busy(r.restartCpu()))
                + cell(moto, r -> "— (keeps nothing across restarts)"));
        out.add("| Store " + String.format(Locale.ROOT, "%,d", options.pipelines()) + " pipelines (CreatePipeline, "
                + options.loaders() + " connections) | "
                + cell(conveyor, this::loadCell) + cell(moto, this::loadCell));
        out.add("| ListPipelines `{}`: first page, pages for all | "
                + cell(conveyor, r -> count(r.listing().defaultPageSize()) + ", " + count(r.listing().pages()))
                + cell(moto, r -> count(r.listing().defaultPageSize()) + ", " + count(r.listing().pages())
                + " (no paging)"));
        out.add("| Java heap in use after loading (after a full GC) | "
                + cell(conveyor, r -> r.heap() == null ? "—" : mib(r.heap().usedBytes()) + " (committed "
                + mib(r.heap().committedBytes()) + ")")
                + cell(moto, r -> "— (Python)"));
        out.add("| Resident memory after loading | " + cell(conveyor, r -> mib(r.residentBytes()))
                + cell(moto, r -> mib(r.residentBytes())));
        HistoryResults history = conveyor == null ? null : conveyor.history();
        if (history != null) {
            String withHistory = count(history.pipelines()) + " pipelines and " + count(history.executions()) + " executions";
            out.add("| Write " + count(history.executions()) + " finished executions into the stopped server's database "
                    + "(seeder, not the API) | " + cell(conveyor, r -> seconds(history.seedTime()) + " (" + count(history.rows())
                    + " rows)") + cell(moto, r -> "—"));
            out.add("| Launch to healthy, " + withHistory + " stored | "
                    + cell(conveyor, r -> seconds(history.restartToHealthy()) + busy(history.restartCpu())) + cell(moto, r -> "—"));
            HistoryReads.Reads reads = history.reads();
            out.add("| Read every pipeline's history: ListPipelineExecutions, GetPipelineExecution, ListActionExecutions, "
                    + "GetPipelineState (" + options.loaders() + " connections) | " + cell(conveyor, r -> seconds(reads.elapsed())
                    + " (" + count(reads.requests()) + " requests, " + String.format(Locale.ROOT, "%,.0f", reads.perSecond())
                    + "/s)") + cell(moto, r -> "—"));
            out.add("| Java heap in use with " + withHistory + ", after those reads (after a full GC) | "
                    + cell(conveyor, r -> mib(history.heap().usedBytes()) + " (committed " + mib(history.heap().committedBytes())
                    + ")") + cell(moto, r -> "—"));
            out.add("| Resident memory with " + withHistory + " | " + cell(conveyor, r -> mib(history.heap().residentBytes()))
                    + cell(moto, r -> "—"));
        }
        out.add("");
        if (history != null) {
            out.add("The history is written by `ExecutionSeeder` while Conveyor is stopped, straight into its embedded "
                    + "database (the API starts executions far too slowly for " + count(history.executions()) + "): "
                    + "finished executions spread evenly over the pipelines and the last 30 days, each with what the engine "
                    + "leaves behind (stage and action executions with their input and output, jobs, artifact records and "
                    + "their consumers, trigger, source and artifact revisions), mostly Succeeded, some Failed, Stopped and "
                    + "Superseded; the same history every run. Conveyor is then launched on it (timed to healthy); "
                    + "ListPipelineExecutions, GetPipelineExecution, ListActionExecutions and GetPipelineState must return "
                    + "the executions of " + count(history.verifiedPipelines()) + " pipelines exactly as "
                    + "written (" + count(history.verified()) + " executions compared) and every pipeline's listing its "
                    + "number of executions, or the run stops; the heap is measured after every pipeline's history was "
                    + "read. Artifact contents, action logs and CodeBuild build records are not written.");
            out.add("");
        }
        if (conveyor != null) {
            out.add("Conveyor was started as `" + displayCommand(conveyor.command()) + "`, as `bin/conveyor server` starts it "
                    + "(default JVM settings; on JDK 25 and newer, from the ahead-of-time cache of the classes a start loads, "
                    + "which `bin/conveyor` and `bin/bench` make once per build: bin/lib/aot.sh"
                    + (options.serverJavaOptions().isEmpty() ? "" : "; plus `" + String.join(" ",
                    options.serverJavaOptions()) + "`") + "); moto as `" + (moto == null ? options.motoCommand()
                    : displayCommand(moto.command())) + "`.");
            out.add("");
        }
        return out;
    }

    private List<String> method() {
        List<String> out = new ArrayList<>();
        out.add("### How it is measured");
        out.add("");
        out.add("- **Driver**: `conveyor-bench` (Java), " + options.clients() + " connections in a closed loop, "
                + "each sending its next request as soon as the previous response is fully read, all driven by one "
                + "event-loop thread (a `Selector`, as `wrk -t1 -c" + options.clients() + "` drives its connections). "
                + "A request's latency runs from writing its first byte to reading its response's last. Latencies "
                + "are recorded in HdrHistogram (3 significant digits); only requests that start and end inside the "
                + "measured window count; throughput is those requests divided by the window. A request fails if it "
                + "gets an I/O error or a status other than 200; failures are counted in the Errors column, and a run "
                + "with failures exits with status 1.");
        out.add("- **Why one event-loop thread**: the driver shares " + machine.cores() + " cores with the server. "
                + "The first driver (November 2026) used a blocking thread per client: " + options.clients() + " extra "
                + "runnable threads competing with the server's, where a client whose response had arrived could "
                + "wait a whole scheduler slice before noticing it. That wait, not the server, made the tail: with "
                + "the same server and data, " + options.clients() + " threads measured GetPipeline p99 16–19 ms, "
                + "`wrk -t2 -c32` 31 ms and `wrk -t1 -c32` 3.7 ms. In a closed loop the mean is still fixed by "
                + "the throughput (mean ≈ clients ÷ requests/s, Little's law); p99 is what the tail looks like "
                + "(`--server-java-opts -Xlog:gc:file=/tmp/gc-%p.log` records the server's GC pauses).");
        out.add("- **HTTP client**: non-blocking sockets writing pre-serialized HTTP/1.1 requests and framing "
                + "responses by `Content-Length` (chunked supported), not `java.net.http.HttpClient`: the driver "
                + "shares the cores with the server, so it must cost as little CPU as possible. The \"driver\" CPU "
                + "column shows what it did cost (the whole driver JVM, GC and JIT included); a "
                + "`java.net.http.HttpClient` driver with 32 threads used about 1.0 core to reach about 15,000 "
                + "GetPipeline/s on this machine.");
        out.add("- **Identical requests**: both servers receive byte-identical requests except for the port in "
                + "`Host`: `POST /`, `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target: "
                + "CodePipeline_20150709.<Operation>`, a real SigV4 `Authorization` header by the "
                + "benchmark's key, the administrator Conveyor is started with (Conveyor verifies it and its policies "
                + "on every request; moto does not), and the same JSON body. GetPipeline asks for a pipeline "
                + "chosen uniformly at random among the stored ones.");
        out.add("- **Pipelines**: " + String.format(Locale.ROOT, "%,d", options.pipelines()) + " three-stage "
                + "pipelines shaped like the AWS CLI `create-pipeline` example: S3 source → CodeBuild build → "
                + "CodeDeploy deploy, each with its own names. Conveyor is started with moto's account id "
                + "(`" + AwsJsonRequest.ACCOUNT_ID + "`) so that both return the same ARNs; moto additionally needs "
                + "the pipelines' IAM role, created in its IAM first.");
        out.add("- **Keep-alive**: Conveyor keeps connections open (New connections = 0 in the window). moto "
                + "(Werkzeug) answers `Connection: close` to every request, so each moto request includes a new TCP "
                + "connection on loopback; that is how any client experiences moto, and it is part of its latency.");
        out.add("- **ListPipelines and paging**: with `{}` Conveyor returns its first page (100 pipelines and a "
                + "`nextToken`, like CodePipeline), while moto ignores paging and returns all "
                + String.format(Locale.ROOT, "%,d", options.pipelines()) + " pipelines in every response (see the "
                + "response sizes). The ratio on that row therefore compares different amounts of work; it is what "
                + "a client calling `ListPipelines` gets from each. `{\"maxResults\":100}` is measured on Conveyor "
                + "only, since moto ignores `maxResults` and would repeat its previous row. GetPipelineState is measured on "
                + "Conveyor only: moto does not implement it.");
        out.add("- **Sequence**: the servers run one after the other, never at the same time. For each: launch "
                + "(time to healthy), store the pipelines, check that all are listed and that the first and last "
                + "read back, measure memory, then run the workloads in the order of the table (one server process for all rows, so later rows also "
                + "benefit from the JIT work of earlier ones; each row still has its own warm-up). Conveyor is then "
                + "stopped and launched again on the same data to time a start with pipelines stored.");
        out.add("- **Memory**: Conveyor's heap is read with `jcmd <pid> GC.run` (a full collection, so only live "
                + "data remains) followed by `jcmd <pid> GC.heap_info`; the resident set size (VmRSS from "
                + "`/proc/<pid>/status`, children included) adds metaspace, JIT code, thread stacks and H2's cache.");
        out.add("- **Run-to-run variation**: each figure comes from one run, on a shared 2-core machine where "
                + "throughput varied by about ±10% between runs in November 2026; compare runs with that spread in mind.");
        out.add("- **Other load**: \"other\" is CPU used by every other process on the machine during the window "
                + "(from `/proc/stat`). Above " + CpuUsage.DISTURBED_OTHER_CORES + " cores a row is marked ⚠ busy; "
                + "such a measurement is repeated up to " + options.retries() + " time(s) and the least disturbed "
                + "attempt is kept.");
        return out;
    }

    /** A mark for a figure taken while other processes were busy (after the retries allowed). */
    private static String busy(CpuUsage cpu) {
        return cpu != null && cpu.disturbed() ? " ⚠ busy" : "";
    }

    private String loadCell(ServerResults r) {
        double perSecond = r.pipelines() / (r.loadTime().toNanos() / 1e9);
        return seconds(r.loadTime()) + " (" + String.format(Locale.ROOT, "%,.0f", perSecond) + "/s"
                + (r.loadCpu().disturbed() ? ", ⚠ busy" : "") + ")";
    }

    private String disturbanceSentence() {
        List<String> busy = new ArrayList<>();
        for (ServerResults r : Stream.of(conveyor, moto).filter(Objects::nonNull).toList()) {
            for (LoadResult l : r.loads()) {
                if (l.cpu().disturbed()) {
                    busy.add(r.server() + " " + l.workload());
                }
            }
            if (r.loadCpu().disturbed()) {
                busy.add(r.server() + " loading");
            }
            if (r.restartCpu() != null && r.restartCpu().disturbed()) {
                busy.add(r.server() + " restart");
            }
            if (r.history() != null && r.history().restartCpu().disturbed()) {
                busy.add(r.server() + " restart with the execution history");
            }
        }
        return busy.isEmpty()
                ? "Other processes used less than " + CpuUsage.DISTURBED_OTHER_CORES + " cores during every "
                + "measurement."
                : "**The machine was busy with other processes during: " + String.join(", ", busy)
                + "; those figures are lower than on an idle machine.**";
    }

    private long estimatedMinutes() {
        long rows = (conveyor == null ? 0 : conveyor.loads().size()) + (moto == null ? 0 : moto.loads().size());
        long seconds = rows * (options.warmup().toSeconds() + options.duration().toSeconds())
                + (conveyor == null ? 0 : conveyor.loadTime().toSeconds()) + (moto == null ? 0 : moto.loadTime().toSeconds())
                + (conveyor == null || conveyor.history() == null ? 0 : conveyor.history().seedTime().toSeconds()
                + conveyor.history().reads().elapsed().toSeconds())
                + 30;
        return Math.max(1, Math.round(seconds / 60.0));
    }

    private String requestLabel(String workload) {
        return switch (workload) {
            case Workload.GET_PIPELINE -> "GetPipeline `{\"name\":…}`";
            case Workload.LIST_PIPELINES -> "ListPipelines `{}`";
            case Workload.GET_PIPELINE_STATE -> "GetPipelineState `{\"name\":…}`";
            default -> "ListPipelines `{\"maxResults\":100}`";
        };
    }

    private static String serverLabel(ServerResults r, String workload) {
        if (!workload.startsWith("ListPipelines")) {
            return r.server();
        }
        return r.server() + " (" + String.format(Locale.ROOT, "%,d", r.listing().defaultPageSize()) + " per response)";
    }

    private static String cell(ServerResults r, java.util.function.Function<ServerResults, String> value) {
        return r == null ? "" : value.apply(r) + " | ";
    }

    private String date() {
        return machine.date().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static String displayCommand(List<String> command) {
        // Temporary paths and the chosen port change every run; show their role instead.
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            shown.add(i > 0 && (command.get(i - 1).equals("--port") || command.get(i - 1).equals("-p")) ? "<port>"
                    : i > 0 && command.get(i - 1).equals("--data-dir") ? "<tmpdir>"
                    : i == 0 && arg.endsWith("/bin/java") ? "java"
                    : arg.endsWith("conveyor-cli.jar") ? "conveyor-cli/target/conveyor-cli.jar"
                    : arg.startsWith("-XX:AOTCache=") ? "-XX:AOTCache=conveyor-cli/target/" + Path.of(arg.substring(13)).getFileName() : arg);
        }
        return String.join(" ", shown);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String ratio(double a, double b) {
        if (b <= 0) {
            return "—";
        }
        double r = a / b;
        return String.format(Locale.ROOT, r >= 10 ? "%,.0f×" : "%.1f×", r);
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, millis >= 100 ? "%,.0f" : millis >= 10 ? "%.1f" : "%.2f", millis);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String bytes(long n) {
        return n >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0)
                : n >= 1 << 10 ? String.format(Locale.ROOT, "%.1f KiB", n / 1024.0) : n + " B";
    }

    private static String mib(long n) {
        return String.format(Locale.ROOT, "%,d MiB", n >> 20);
    }

    private static String gib(long n) {
        return String.format(Locale.ROOT, "%.1f GiB", n / (1024.0 * 1024 * 1024));
    }
}
