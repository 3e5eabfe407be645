package dev.conveyor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What authentication costs per request (issue 14): GetPipeline against two Conveyor processes in the same run, one
 * with {@code --auth none} and one with the default (SigV4 verified against the IAM keys, the caller's policies
 * evaluated), each loaded with the same pipelines and the same signed requests by the same load driver.
 *
 * <pre>java -cp conveyor-bench/target/conveyor-bench.jar dev.conveyor.bench.AuthCostBench [--pipelines 200] [--clients 32]
 *      [--warmup 5] [--duration 15] [--conveyor-jar conveyor-cli/target/conveyor-cli.jar]</pre>
 */
public final class AuthCostBench {
    private AuthCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int pipelines = 200;
        int clients = 32;
        double warmup = 5;
        double duration = 15;
        Path jar = Path.of("conveyor-cli/target/conveyor-cli.jar");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--pipelines" -> pipelines = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                case "--duration" -> duration = Double.parseDouble(args[i + 1]);
                case "--conveyor-jar" -> jar = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path work = Files.createTempDirectory("conveyor-auth-bench-");
        List<String[]> rows = new ArrayList<>();
        double[] throughput = new double[2];
        String[] modes = {"none", "sigv4"};
        for (int m = 0; m < modes.length; m++) {
            String mode = modes[m];
            try (ServerProcess server = ServerProcess.conveyor(java, List.of(), jar, work.resolve("data-" + mode), work.resolve(mode + ".log"),
                    List.of("--auth", mode))) {
                server.awaitHealthy("/healthz", status -> status == 200);
                new PipelineLoader(8).load(server, pipelines);
                LoadResult result = new LoadDriver(clients, Duration.ofMillis((long) (warmup * 1000)), Duration.ofMillis((long) (duration * 1000)))
                        .run(Workload.named(Workload.GET_PIPELINE, pipelines), server);
                throughput[m] = result.requestsPerSecond();
                rows.add(new String[] {"--auth " + mode, String.format(Locale.ROOT, "%,.0f", result.requestsPerSecond()),
                        String.format(Locale.ROOT, "%.2f", result.percentileMillis(50)), String.format(Locale.ROOT, "%.2f", result.percentileMillis(99)),
                        Long.toString(result.errors())});
            }
        }
        System.out.println("| server | GetPipeline requests/s | p50 ms | p99 ms | errors |");
        System.out.println("| --- | --- | --- | --- | --- |");
        rows.forEach(r -> System.out.println("| " + String.join(" | ", r) + " |"));
        System.out.printf(Locale.ROOT, "authentication and authorization cost: %.1f%% of the throughput (%.1f µs of server time per request at "
                + "saturation)%n", 100 * (1 - throughput[1] / throughput[0]), 1e6 / throughput[1] - 1e6 / throughput[0]);
        System.out.printf(Locale.ROOT, "(%d pipelines, %d clients, %.0f s warm-up, %.0f s measured; load average %s)%n", pipelines, clients,
                warmup, duration, Files.readString(Path.of("/proc/loadavg")).trim());
    }
}
