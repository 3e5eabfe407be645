package dev.conveyor.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of the benchmark. Defaults are the figures published in {@code docs/benchmarks.md}; smaller
 * values make a smoke run, e.g. {@code --pipelines 200 --warmup 1 --duration 2}.
 *
 * @param pipelines      pipelines stored in each server before measuring
 * @param executions     finished executions then written into Conveyor's stopped database, spread over the
 *                       pipelines, to measure its start and memory with a history (0: not measured; default 10
 *                       per pipeline)
 * @param clients        concurrent clients of the load driver
 * @param warmup         warm-up before each measured window
 * @param duration       length of each measured window
 * @param loaders        connections used to store the pipelines
 * @param servers        which servers to run: {@code conveyor}, {@code moto}
 * @param workloads      which workloads to run (ids of {@link Workload})
 * @param retries        how many times a measurement disturbed by other processes is repeated
 * @param root           the project root (for the default jar location)
 * @param conveyorJar    the packaged conveyor command
 * @param serverJavaOptions JVM options for the Conveyor process (none by default: as a user starts it)
 * @param profileDir     where the Conveyor process writes a JFR recording and its safepoint and GC log, or null
 * @param motoCommand    the moto server command
 * @param report         the Markdown document whose sections to rewrite, or null to only print
 * @param invokedAs      the command to print as "reproduce with"
 * @param args           the arguments as given
 */
record BenchOptions(int pipelines, int executions, int clients, Duration warmup, Duration duration, int loaders,
                    List<String> servers, List<String> workloads, int retries, Path root, Path conveyorJar,
                    List<String> serverJavaOptions, Path profileDir, String motoCommand, Path report, String invokedAs,
                    List<String> args) {
    static final String CONVEYOR = "conveyor";
    static final String MOTO = "moto";

    static final String USAGE = """
            Usage: bin/bench [options]
              --pipelines N          pipelines stored in each server (default 10000)
              --executions N         finished executions then written into Conveyor's database to measure its start
                                     and memory with a history (default 10 per pipeline: 100000; 0 skips it)
              --clients N            concurrent clients (default 32)
              --warmup SECONDS       warm-up before each measurement (default 5)
              --duration SECONDS     measured window (default 15)
              --loaders N            connections used to store the pipelines (default 8)
              --servers LIST         conveyor,moto (default both)
              --workloads LIST       GetPipeline,ListPipelines,ListPipelines-max100 (default all)
              --retries N            repeat a measurement disturbed by other processes up to N times (default 1)
              --root DIR             project root (default .)
              --conveyor-jar FILE    default <root>/conveyor-cli/target/conveyor-cli.jar
              --server-java-opts S   JVM options for the Conveyor process, space separated (default none)
              --profile DIR          record the Conveyor process: a JFR recording (settings=profile) and a log of every
                                     safepoint and GC pause (-Xlog:safepoint,gc) in DIR, one file each per process;
                                     docs/benchmarks.md "Reading a profiled run" says how to read them
              --moto-command CMD     default moto_server
              --report FILE          rewrite the machine and API sections of this Markdown file (default: print only)
            Without arguments bin/bench runs everything and rewrites docs/benchmarks.md.
            """;

    static BenchOptions parse(String[] argv) {
        int pipelines = 10_000;
        int executions = -1; // 10 per pipeline unless given
        int clients = 32;
        double warmup = 5;
        double duration = 15;
        int loaders = 8;
        List<String> servers = List.of(CONVEYOR, MOTO);
        List<String> workloads = Workload.ALL_IDS;
        int retries = 1;
        Path root = Path.of(".");
        Path jar = null;
        List<String> javaOptions = List.of();
        String moto = "moto_server";
        Path profile = null;
        Path report = null;
        String invokedAs = null;
        List<String> args = Arrays.asList(argv);
        for (int i = 0; i < argv.length; i++) {
            String flag = argv[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new UsageException(null);
            }
            if (i + 1 >= argv.length) {
                throw new UsageException("missing value for " + flag);
            }
            String value = argv[++i];
            switch (flag) {
                case "--pipelines" -> pipelines = positive(flag, value);
                case "--executions" -> executions = nonNegative(flag, value);
                case "--clients" -> clients = positive(flag, value);
                case "--warmup" -> warmup = seconds(flag, value, true);
                case "--duration" -> duration = seconds(flag, value, false);
                case "--loaders" -> loaders = positive(flag, value);
                case "--servers" -> servers = list(value, List.of(CONVEYOR, MOTO), flag);
                case "--workloads" -> workloads = list(value, Workload.ALL_IDS, flag);
                case "--retries" -> retries = Integer.parseInt(value);
                case "--root" -> root = Path.of(value);
                case "--conveyor-jar" -> jar = Path.of(value);
                case "--server-java-opts" -> javaOptions = value.isBlank() ? List.of()
                        : List.of(value.trim().split("\\s+"));
                case "--profile" -> profile = Path.of(value).toAbsolutePath();
                case "--moto-command" -> moto = value;
                case "--report" -> report = Path.of(value);
                case "--invoked-as" -> invokedAs = value;
                default -> throw new UsageException("unknown option " + flag);
            }
        }
        if (jar == null) {
            jar = root.resolve("conveyor-cli/target/conveyor-cli.jar");
        }
        if (profile != null) {
            List<String> withProfile = new ArrayList<>(javaOptions);
            withProfile.addAll(profileOptions(profile));
            javaOptions = List.copyOf(withProfile);
        }
        if (executions < 0) {
            executions = (int) Math.min(Integer.MAX_VALUE, 10L * pipelines);
        }
        if (invokedAs == null) {
            invokedAs = "java -jar conveyor-bench/target/conveyor-bench.jar " + String.join(" ", argv);
        }
        return new BenchOptions(pipelines, executions, clients, Duration.ofMillis((long) (warmup * 1000)),
                Duration.ofMillis((long) (duration * 1000)), loaders, servers, workloads, retries, root, jar,
                javaOptions, profile, moto, report, invokedAs.trim(), List.copyOf(args));
    }

    /**
     * The JVM options that record a Conveyor process for {@code --profile}: JFR with the profile settings (method
     * samples every 10–20 ms, thread parks, socket and file I/O, GC, safepoints), dumped when the process exits; and
     * the unified log of every safepoint (time to reach it, time in it) and GC pause, with wall-clock and uptime
     * stamps to line them up with the load driver's slowest requests. {@code %p} is the process id: the benchmark
     * starts Conveyor several times (first start, restart, with history).
     */
    static List<String> profileOptions(Path dir) {
        return List.of("-XX:StartFlightRecording=filename=" + dir.resolve("conveyor-%p.jfr") + ",settings=profile,dumponexit=true",
                "-Xlog:safepoint=info,gc=info:file=" + dir.resolve("vm-%p.log") + ":time,uptimemillis,level,tags");
    }

    boolean runs(String server) {
        return servers.contains(server);
    }

    /** A bad command line; the message (or null for --help) is shown with the usage. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private static int positive(String flag, String value) {
        int n = nonNegative(flag, value);
        if (n == 0) {
            throw new UsageException(flag + " must be positive");
        }
        return n;
    }

    private static int nonNegative(String flag, String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " needs a whole number, not " + value);
        }
        if (n < 0) {
            throw new UsageException(flag + " must not be negative");
        }
        return n;
    }

    private static double seconds(String flag, String value, boolean zeroAllowed) {
        double s;
        try {
            s = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " needs a number of seconds, not " + value);
        }
        if (s < 0 || (!zeroAllowed && s == 0)) {
            throw new UsageException(flag + " out of range: " + value);
        }
        return s;
    }

    private static List<String> list(String value, List<String> known, String flag) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            String trimmed = item.trim();
            String match = known.stream().filter(k -> k.equalsIgnoreCase(trimmed)).findFirst()
                    .orElseThrow(() -> new UsageException(flag + ": unknown " + trimmed + " (known: " + known + ")"));
            items.add(match);
        }
        return List.copyOf(items);
    }
}
