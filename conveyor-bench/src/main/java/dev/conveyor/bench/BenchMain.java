package dev.conveyor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the API benchmark: for each server in turn (Conveyor on its embedded database, then moto), start it as a
 * process, time it to healthy, store the pipelines, measure its memory, drive each workload, stop it. Servers run
 * one after the other so that they never compete for the two cores; then the results are printed and, with
 * {@code --report}, written to the API section of the benchmarks document.
 *
 * <p>Exit status: 0 when every request succeeded, 1 when some failed (the report says so), 2 on a bad command
 * line, 3 when the run could not complete.
 */
public final class BenchMain {
    /** Seeds the execution history's random choices: every run writes the same history. */
    private static final long HISTORY_SEED = 8;

    private final BenchOptions options;
    private final Path workDir;
    private final LoadDriver driver;
    private final OpenLoopDriver openLoopDriver;
    /** GetPipeline on Conveyor at half its saturated rate, open loop; null when GetPipeline was not run. */
    private OpenLoopDriver.Result openLoop;
    private final PipelineLoader loader;
    private final Path java;
    private final HeapProbe heapProbe;

    private BenchMain(BenchOptions options, Path workDir) {
        this.options = options;
        this.workDir = workDir;
        this.driver = new LoadDriver(options.clients(), options.warmup(), options.duration());
        this.openLoopDriver = new OpenLoopDriver(options.clients(), options.warmup(), options.duration());
        this.loader = new PipelineLoader(options.loaders());
        // The servers run on the JDK that runs the benchmark (bin/bench picks it), and jcmd must match it.
        Path javaHome = Path.of(System.getProperty("java.home"));
        this.java = javaHome.resolve("bin/java");
        this.heapProbe = new HeapProbe(javaHome.resolve("bin/jcmd"));
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (BenchOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("bench: " + e.getMessage());
            }
            System.err.print(BenchOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        Path workDir = null;
        try {
            workDir = Files.createTempDirectory("conveyor-bench-");
            int status = new BenchMain(options, workDir).run();
            BenchFiles.deleteTree(workDir);
            System.exit(status);
        } catch (Exception e) {
            System.err.println("bench: the run did not complete: " + e.getMessage());
            e.printStackTrace(System.err);
            if (workDir != null) {
                System.err.println("bench: server logs kept in " + workDir);
            }
            System.exit(3);
        }
    }

    private int run() throws IOException, InterruptedException {
        if (!Files.isRegularFile(options.conveyorJar()) && options.runs(BenchOptions.CONVEYOR)) {
            throw new IllegalStateException("no " + options.conveyorJar() + "; build it first (bin/bench does)");
        }
        if (options.profileDir() != null) {
            Files.createDirectories(options.profileDir());
            log("recording Conveyor into %s (JFR and -Xlog:safepoint,gc; one file each per server process)", options.profileDir());
        }
        MachineInfo machine = MachineInfo.collect();
        log("%d cores, %d MiB, %s; %s; load average %s", machine.cores(), machine.memoryBytes() >> 20,
                machine.jdk(), machine.moto(), machine.loadAverageAtStart());
        List<ServerResults> results = new ArrayList<>();
        if (options.runs(BenchOptions.CONVEYOR)) {
            results.add(runConveyor());
        }
        if (options.runs(BenchOptions.MOTO)) {
            results.add(runMoto());
        }
        ApiReport report = new ApiReport(options, machine, results);
        String api = report.apiSection() + (openLoop == null ? "" : "\n" + openLoopSection(openLoop, options.clients()));
        System.out.println();
        System.out.println(api);
        if (options.report() != null) {
            new ReportWriter(options.report()).replaceSections(Map.of(
                    "machine", report.machineSection(),
                    "api", api));
            log("wrote %s", options.report());
        }
        recordTargets(results);
        boolean errors = results.stream().flatMap(r -> r.loads().stream()).anyMatch(LoadResult::hasErrors)
                || openLoop != null && openLoop.errors() > 0;
        if (errors) {
            log("SOME REQUESTS FAILED: see the Errors column");
        }
        return errors ? 1 : 0;
    }

    private ServerResults runConveyor() throws IOException, InterruptedException {
        Path dataDir = workDir.resolve("conveyor-data");
        Path log = workDir.resolve("conveyor.log");
        ServerResults firstRun;
        try (ServerProcess server = ServerProcess.conveyor(java, options.serverJavaOptions(), options.conveyorJar(),
                dataDir, log)) {
            Duration healthy = server.awaitHealthy("/healthz", status -> status == 200);
            log("Conveyor: healthy %.2f s after launch (pid %d, port %d)", healthy.toMillis() / 1000.0, server.pid(),
                    server.port());
            firstRun = loadAndMeasure(server, healthy, true);
        }
        // Starting again on the stored pipelines: what an operator sees after an upgrade or a reboot.
        Launch restart = relaunchConveyor(dataDir, log, String.format(Locale.ROOT, "%,d pipelines", options.pipelines()));
        restart.server().close();
        HistoryResults history = options.executions() > 0 ? runWithHistory(dataDir, log) : null;
        return new ServerResults(firstRun.server(), firstRun.command(), firstRun.startToHealthy(), restart.healthy(),
                restart.cpu(), firstRun.pipelines(), firstRun.loadTime(), firstRun.loadCpu(), firstRun.listing(),
                firstRun.heap(), firstRun.residentBytes(), firstRun.loads(), history);
    }

    /** A Conveyor process launched and timed to healthy, and where the machine's CPU went meanwhile. */
    private record Launch(ServerProcess server, Duration healthy, CpuUsage cpu) {
    }

    /**
     * Launches Conveyor on stored data and times it to healthy. A start is short and CPU-bound, so a burst of other
     * work on the machine distorts it: while other processes used more than {@link CpuUsage#DISTURBED_OTHER_CORES}
     * cores during it, the server is stopped and launched again, up to {@code --retries} times, and the least
     * disturbed time is kept. Returns that time with the last server, still running.
     */
    private Launch relaunchConveyor(Path dataDir, Path log, String stored) {
        Launch best = null;
        for (int attempt = 0; ; attempt++) {
            CpuUsage.Sample before = new CpuUsage.Sample(System.nanoTime(), ProcFs.machineBusyNanos(),
                    ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L), 0);
            ServerProcess server = ServerProcess.conveyor(java, options.serverJavaOptions(), options.conveyorJar(), dataDir, log);
            Launch launch;
            try {
                Duration healthy = server.awaitHealthy("/healthz", status -> status == 200);
                launch = new Launch(server, healthy, before.until(CpuUsage.Sample.take(server)));
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            log("Conveyor: restarted on %s, healthy after %.2f s (CPU cores: server %.2f, other %.2f)%s", stored,
                    launch.healthy().toMillis() / 1000.0, launch.cpu().serverCores(), launch.cpu().otherCores(),
                    launch.cpu().disturbed() ? "  DISTURBED by other processes" : "");
            if (best == null || launch.cpu().otherCores() < best.cpu().otherCores()) {
                best = launch;
            }
            if (!launch.cpu().disturbed() || attempt >= options.retries()) {
                return new Launch(server, best.healthy(), best.cpu());
            }
            server.close();
        }
    }

    /**
     * With Conveyor stopped, writes a history of finished executions into its database; launches it on that data
     * (timed to healthy), checks that the API returns the history as written, reads every pipeline's history as a
     * console would, and measures the heap after a full GC.
     */
    private HistoryResults runWithHistory(Path dataDir, Path log) throws IOException, InterruptedException {
        log("Conveyor: writing %,d finished executions into its stopped database…", options.executions());
        ExecutionSeeder.Seeded seeded = new ExecutionSeeder(dataDir, Instant.now(), HISTORY_SEED).seed(options.executions());
        log("Conveyor: wrote %,d executions of %,d pipelines in %.1f s (%s; %,d rows: %s)", seeded.executions(),
                seeded.pipelines(), seeded.elapsed().toMillis() / 1000.0, seeded.byStatus(), seeded.rows(),
                seeded.rowsByTable());
        Launch launch = relaunchConveyor(dataDir, log, String.format(Locale.ROOT, "%,d pipelines and %,d executions",
                seeded.pipelines(), seeded.executions()));
        try (ServerProcess server = launch.server()) {
            HistoryReads history = new HistoryReads(server.address(), server.port(), server.name());
            int verified = history.verify(seeded);
            log("Conveyor: the API returns the history as written (%d executions of %d pipelines compared one by one)",
                    verified, seeded.samples().size());
            HistoryReads.Reads reads = history.readAll(seeded.executionCounts(), options.loaders());
            log("Conveyor: read every pipeline's history in %.1f s (%,d requests, %,.0f/s)", reads.elapsed().toMillis() / 1000.0,
                    reads.requests(), reads.perSecond());
            HeapProbe.HeapUsage heap = heapProbe.measure(server);
            log("Conveyor: with the history, heap in use after full GC %d MiB (committed %d MiB), resident %d MiB; %s",
                    heap.usedBytes() >> 20, heap.committedBytes() >> 20, heap.residentBytes() >> 20,
                    EmbeddedFileProbe.describe(server));
            return new HistoryResults(seeded.executions(), seeded.pipelines(), seeded.rows(), seeded.elapsed(),
                    launch.healthy(), launch.cpu(), seeded.samples().size(), verified, reads, heap);
        }
    }

    private ServerResults runMoto() throws IOException, InterruptedException {
        try (ServerProcess server = ServerProcess.moto(options.motoCommand(), workDir.resolve("moto.log"))) {
            // moto has no health endpoint; any HTTP answer means it serves requests.
            Duration healthy = server.awaitHealthy("/moto-api/", status -> status > 0);
            log("moto: answering %.2f s after launch (pid %d, port %d)", healthy.toMillis() / 1000.0, server.pid(),
                    server.port());
            MotoIamRole.create(server);
            return loadAndMeasure(server, healthy, false);
        }
    }

    private ServerResults loadAndMeasure(ServerProcess server, Duration healthy, boolean jvm)
            throws IOException, InterruptedException {
        CpuUsage.Sample beforeLoad = CpuUsage.Sample.take(server);
        Duration loadTime = loader.load(server, options.pipelines());
        CpuUsage loadCpu = beforeLoad.until(CpuUsage.Sample.take(server));
        log("%s: stored %d pipelines in %.1f s (%.0f/s)", server.name(), options.pipelines(),
                loadTime.toMillis() / 1000.0, options.pipelines() / (loadTime.toNanos() / 1e9));
        PipelineLoader.Listing listing = loader.verify(server, options.pipelines());
        log("%s: all %d pipelines listed (first page %d, %d page(s)); first and last read back",
                server.name(), options.pipelines(), listing.defaultPageSize(), listing.pages());
        if (jvm) { // Conveyor starts an execution on CreatePipeline, as CodePipeline does; moto does not
            Duration settled = loader.awaitCreationExecutions(server, options.pipelines());
            log("%s: the %d executions started by CreatePipeline settled %.1f s after the listing", server.name(),
                    options.pipelines(), settled.toMillis() / 1000.0);
        }
        HeapProbe.HeapUsage heap = jvm ? heapProbe.measure(server) : null;
        long resident = heap != null ? heap.residentBytes() : server.residentBytes();
        if (heap != null) {
            log("%s: heap in use after full GC %d MiB (committed %d MiB), resident %d MiB; %s", server.name(),
                    heap.usedBytes() >> 20, heap.committedBytes() >> 20, resident >> 20, EmbeddedFileProbe.describe(server));
            log("%s: what the heap holds (live objects by class):%n%s", server.name(), heapProbe.histogram(server, 25));
        } else {
            log("%s: resident %d MiB", server.name(), resident >> 20);
        }
        List<LoadResult> loads = new ArrayList<>();
        for (String id : Workload.ALL_IDS) {
            Workload workload = Workload.named(id, options.pipelines());
            if (options.workloads().contains(id) && (jvm || !workload.conveyorOnly())) {
                LoadResult saturated = measure(workload, server);
                loads.add(saturated);
                if (jvm && id.equals(Workload.GET_PIPELINE)) {
                    openLoop = measureOpenLoop(workload, server, saturated.requestsPerSecond() / 2);
                }
            }
        }
        return new ServerResults(server.name(), server.command(), healthy, null, null, options.pipelines(), loadTime,
                loadCpu, listing, heap, resident, loads, null);
    }

    /** Drives one workload; if other processes disturbed it, repeats it and keeps the least disturbed run. */
    private LoadResult measure(Workload workload, ServerProcess server) throws InterruptedException {
        List<LoadResult> attempts = new ArrayList<>();
        do {
            LoadResult result = driver.run(workload, server);
            attempts.add(result);
            log("%s %s: %s req/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d errors (+%d in warm-up); CPU cores:"
                            + " driver %.2f, server %.2f, other %.2f%s", server.name(), workload.id(),
                    String.format(Locale.ROOT, "%,.0f", result.requestsPerSecond()), result.percentileMillis(50),
                    result.percentileMillis(99), result.maxMillis(), result.errors(), result.warmupErrors(),
                    result.cpu().clientCores(), result.cpu().serverCores(), result.cpu().otherCores(),
                    result.cpu().disturbed() ? "  DISTURBED by other processes" : "");
            if (result.hasErrors()) {
                log("%s %s: errors by kind %s", server.name(), workload.id(), result.errorKinds());
            }
        } while (attempts.getLast().cpu().disturbed() && attempts.size() <= options.retries());
        return attempts.stream().min(Comparator.comparingDouble(r -> r.cpu().otherCores())).orElseThrow();
    }

    /**
     * Offers {@code workload} at a constant {@code perSecond} (half the saturated rate just measured, as issue 20
     * asks), latency from each request's intended send time ({@link OpenLoopDriver}).
     */
    private OpenLoopDriver.Result measureOpenLoop(Workload workload, ServerProcess server, double perSecond)
            throws InterruptedException {
        OpenLoopDriver.Result r = openLoopDriver.run(workload, server, perSecond);
        log("%s %s open loop at %s req/s offered (%s completed/s): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.1f ms, "
                        + "%d errors, at most %d due requests waiting for a connection; CPU cores: driver %.2f, server %.2f, other %.2f%s",
                server.name(), workload.id(), String.format(Locale.ROOT, "%,.0f", perSecond),
                String.format(Locale.ROOT, "%,.0f", r.achievedPerSecond()), r.percentileMillis(50), r.percentileMillis(99),
                r.percentileMillis(99.9), r.maxMillis(), r.errors(), r.maxQueued(), r.cpu().clientCores(),
                r.cpu().serverCores(), r.cpu().otherCores(), r.cpu().disturbed() ? "  DISTURBED by other processes" : "");
        for (OpenLoopDriver.Slow slow : r.slowest()) {
            log("%s %s open loop: slow request due at %s took %.1f ms", server.name(), workload.id(), slow.due(), slow.nanos() / 1e6);
        }
        return r;
    }

    private static String openLoopSection(OpenLoopDriver.Result r, int connections) {
        return String.format(Locale.ROOT, """
                ### GetPipeline at half the saturated rate (open loop)

                %s requests/s offered at a constant rate over %d keep-alive connections (%,d requests due in %.1f s; %,d \
                answered); latency from each request's intended send time, so requests delayed by a stall count with their \
                wait (wrk2's correction of coordinated omission). Milliseconds.

                | p50 | p90 | p99 | p99.9 | max | Errors | Most due requests waiting for a connection | CPU cores: driver / server / other |
                |---:|---:|---:|---:|---:|---:|---:|---|
                | %.3f | %.3f | %.3f | %.3f | %.1f | %d | %d | %.2f / %.2f / %.2f |
                """, String.format(Locale.ROOT, "%,.0f", r.offeredPerSecond()), connections, r.due(), r.window().toMillis() / 1000.0,
                r.completed(), r.percentileMillis(50), r.percentileMillis(90), r.percentileMillis(99), r.percentileMillis(99.9),
                r.maxMillis(), r.errors(), r.maxQueued(), r.cpu().clientCores(), r.cpu().serverCores(), r.cpu().otherCores());
    }

    /** Appends what this run measured to the targets file {@code bin/bench} prints the table from ({@link Targets}). */
    private void recordTargets(List<ServerResults> results) {
        ServerResults conveyor = results.stream().filter(r -> r.server().equals("Conveyor")).findFirst().orElse(null);
        ServerResults moto = results.stream().filter(r -> r.server().equals("moto")).findFirst().orElse(null);
        if (conveyor == null) {
            return;
        }
        LoadResult get = conveyor.load(Workload.GET_PIPELINE);
        if (get != null) {
            Targets.record("api.get.saturated", get.requestsPerSecond(), null);
            Targets.record("api.get.closed.p99", get.percentileMillis(99), null);
            LoadResult motoGet = moto == null ? null : moto.load(Workload.GET_PIPELINE);
            if (motoGet != null && motoGet.requestsPerSecond() > 0) {
                Targets.record("api.get.moto", get.requestsPerSecond() / motoGet.requestsPerSecond(),
                        String.format(Locale.ROOT, "moto %,.0f req/s", motoGet.requestsPerSecond()));
            }
            long errors = get.errors() + get.warmupErrors() + (openLoop == null ? 0 : openLoop.errors());
            Targets.record("api.get.errors", errors, null);
        }
        if (openLoop != null) {
            String offered = String.format(Locale.ROOT, "at %,.0f req/s", openLoop.offeredPerSecond());
            Targets.record("api.get.open.p99", openLoop.percentileMillis(99), offered);
            Targets.record("api.get.open.p999", openLoop.percentileMillis(99.9), offered);
        }
        record(conveyor.load(Workload.LIST_PIPELINES), "api.list.saturated");
        record(conveyor.load(Workload.LIST_PIPELINES_100), "api.list100.saturated");
        record(conveyor.load(Workload.GET_PIPELINE_STATE), "api.state.saturated");
        Targets.record("api.start.empty", conveyor.startToHealthy().toMillis() / 1000.0, null);
        if (conveyor.restartToHealthy() != null) {
            Targets.record("api.start.pipelines", conveyor.restartToHealthy().toMillis() / 1000.0,
                    String.format(Locale.ROOT, "%,d pipelines", conveyor.pipelines()));
        }
        if (conveyor.heap() != null) {
            Targets.record("api.heap.pipelines", conveyor.heap().usedBytes() / 1048576.0, null);
        }
        Targets.record("api.store.rate", conveyor.pipelines() / (conveyor.loadTime().toNanos() / 1e9), null);
        HistoryResults history = conveyor.history();
        if (history != null) {
            String stored = String.format(Locale.ROOT, "%,d pipelines, %,d executions", history.pipelines(), history.executions());
            Targets.record("api.start.history", history.restartToHealthy().toMillis() / 1000.0, stored);
            Targets.record("api.heap.history", history.heap().usedBytes() / 1048576.0, stored);
            Targets.record("api.history.reads", history.reads().perSecond(), null);
        }
    }

    private static void record(LoadResult load, String target) {
        if (load != null) {
            Targets.record(target, load.requestsPerSecond(), null);
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, format, args));
    }

}
