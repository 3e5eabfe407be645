package dev.conveyor.bench;

import dev.conveyor.functions.CodeInput;
import dev.conveyor.functions.FunctionInput;
import dev.conveyor.functions.FunctionServices;
import dev.conveyor.functions.Functions;
import dev.conveyor.functions.runtime.InstancePool;
import dev.conveyor.functions.runtime.InvocationResult;
import dev.conveyor.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Function invocation latency beside a plain process start, in the same run: a cold invocation (a new instance: process
 * start, runtime start, import of the handler, then the event over the Runtime API), a warm one (an idle instance
 * reused), and the plain start and exit of the same interpreter with nothing to run. In-process over the functions
 * module (no HTTP), embedded database. Writes the {@code functions} section of docs/benchmarks.md with {@code --report FILE}.
 */
public final class FunctionBench {
    private static final String PYTHON = "def handler(event, context):\n    return {\"n\": event[\"n\"] + 1}\n";
    private static final String NODE = "exports.handler = async (event) => ({ n: event.n + 1 });\n";

    record Row(String what, double[] millis) {
    }

    public static void main(String[] args) throws Exception {
        List<String> argv = Arrays.asList(args);
        String report = argv.contains("--report") ? argv.get(argv.indexOf("--report") + 1) : null;
        int runs = argv.contains("--runs") ? Integer.parseInt(argv.get(argv.indexOf("--runs") + 1)) : 20;
        MachineInfo machine = MachineInfo.collect();
        Path work = Files.createTempDirectory("conveyor-function-bench-");
        List<Row> rows = new ArrayList<>();
        try (Database database = Database.embedded(work);
             FunctionServices services = FunctionServices.open(database, work, null, "us-east-1", "000000000000",
                     InstancePool.RuntimeSettings.defaults(), Clock.systemUTC())) {
            Functions functions = services.functions();
            rows.add(new Row("`python3 -c pass` (process start and exit)", processStarts(runs, "python3", "-c", "pass")));
            rows.addAll(invocations(functions, runs, "python3.12", "app.handler", "app.py", PYTHON, "Python 3.12"));
            rows.add(new Row("`node -e 0` (process start and exit)", processStarts(runs, "node", "-e", "0")));
            rows.addAll(invocations(functions, runs, "nodejs20.x", "index.handler", "index.js", NODE, "Node.js 20 (Conveyor's bootstrap)"));
        } finally {
            BenchFiles.deleteTree(work);
        }
        String section = section(machine, rows, runs);
        System.out.println(section);
        if (report != null) {
            new ReportWriter(Path.of(report)).replaceSections(Map.of("functions", section));
        }
    }

    private static double[] processStarts(int runs, String... command) throws IOException, InterruptedException {
        double[] millis = new double[runs];
        for (int i = -3; i < runs; i++) {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
            if (i >= 0) {
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return millis;
    }

    /** Cold: each of {@code runs} new functions invoked once; warm: the first of them invoked {@code runs} more times. */
    private static List<Row> invocations(Functions functions, int runs, String runtime, String handler, String file, String code,
                                         String label) throws IOException {
        byte[] zip = zip(file, code);
        double[] cold = new double[runs];
        for (int i = -2; i < runs; i++) {
            String name = runtime.replace('.', '-') + "-" + (i + 2);
            functions.create(new FunctionInput(name, runtime, "arn:aws:iam::000000000000:role/bench", handler, null, 30, 256, Map.of()),
                    CodeInput.zip(zip));
            long start = System.nanoTime();
            invoke(functions, name);
            if (i >= 0) {
                cold[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        String warmName = runtime.replace('.', '-') + "-0";
        double[] warm = new double[runs];
        for (int i = -3; i < runs; i++) {
            long start = System.nanoTime();
            invoke(functions, warmName);
            if (i >= 0) {
                warm[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return List.of(new Row(label + ", cold invocation", cold), new Row(label + ", warm invocation", warm));
    }

    private static void invoke(Functions functions, String name) {
        InvocationResult result = functions.invoke(name, "{\"n\": 1}".getBytes(StandardCharsets.UTF_8));
        if (result.failed() || !new String(result.payload(), StandardCharsets.UTF_8).contains("2")) {
            throw new IllegalStateException(name + " answered " + new String(result.payload(), StandardCharsets.UTF_8));
        }
    }

    private static byte[] zip(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry(name));
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static String section(MachineInfo machine, List<Row> rows, int runs) {
        StringBuilder s = new StringBuilder();
        s.append("Measured ").append(machine.date()).append(" on ").append(machine.cores()).append(" cores / ")
                .append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / 1073741824.0)).append(" with ")
                .append(machine.jdk()).append(" (load average at start: ").append(machine.loadAverageAtStart())
                .append("; the machine was shared with other builds, so absolute figures are noisy; compare rows of one run).\n\n");
        s.append("Reproduce: `mvn -q -DskipTests install && mvn -q -f conveyor-bench/pom.xml package && java -cp "
                + "\"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.FunctionBench "
                + "--report docs/benchmarks.md` (under a minute).\n\n");
        s.append("In-process over the functions module (no HTTP), embedded database; ").append(runs)
                .append(" measurements per row after a few warm-up ones. A cold invocation starts a new instance (process, ")
                .append("runtime bootstrap, handler import) and sends the event over the Runtime API; a warm one reuses the idle ")
                .append("instance. Milliseconds, p50 / p90 / max:\n\n");
        s.append("| What | Latency |\n|---|---:|\n");
        for (Row r : rows) {
            s.append("| ").append(r.what()).append(" | ").append(triple(r.millis())).append(" |\n");
        }
        s.append("\n`python3` is the one on the `PATH`, here pyenv's shim (a bash script that finds the interpreter), which both the plain start and the function instances go through; so a cold Python invocation costs about one interpreter start, and a warm one a few milliseconds. The load average shows other helpers' builds running on the same two cores during the run.\n");
        return s.toString();
    }

    private static String triple(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", sorted[(int) Math.ceil(0.5 * sorted.length) - 1],
                sorted[(int) Math.ceil(0.9 * sorted.length) - 1], sorted[sorted.length - 1]);
    }
}
