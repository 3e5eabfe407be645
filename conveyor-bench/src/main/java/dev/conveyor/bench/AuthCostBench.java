package dev.conveyor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What authentication costs per request (issue 14): GetPipeline against two Conveyor processes in the same run, one
 * with {@code --auth none} and one with the default (SigV4 verified against the IAM keys, the caller's policies
 * evaluated), loaded with the same pipelines and sent the same signed requests by the same load driver. The two are
 * measured in alternating rounds (none, sigv4, none, sigv4, …) so that a change in the machine's other load falls
 * on both; besides throughput and latency, the server's CPU time per request (from /proc) is reported, which other
 * load on a shared machine disturbs much less than throughput.
 *
 * <pre>java -cp conveyor-bench/target/conveyor-bench.jar dev.conveyor.bench.AuthCostBench [--pipelines 200] [--clients 16]
 *      [--warmup 5] [--duration 10] [--rounds 3] [--conveyor-jar conveyor-cli/target/conveyor-cli.jar]</pre>
 */
public final class AuthCostBench {
    private AuthCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int pipelines = 200;
        int clients = 16;
        double warmup = 5;
        double duration = 10;
        int rounds = 3;
        Path jar = Path.of("conveyor-cli/target/conveyor-cli.jar");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--pipelines" -> pipelines = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                case "--duration" -> duration = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--conveyor-jar" -> jar = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path work = Files.createTempDirectory("conveyor-auth-bench-");
        String[] modes = {"none", "sigv4"};
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        List<List<LoadResult>> results = List.of(new ArrayList<>(), new ArrayList<>());
        try (ServerProcess open = start(java, jar, work, "none"); ServerProcess signed = start(java, jar, work, "sigv4")) {
            ServerProcess[] servers = {open, signed};
            for (ServerProcess server : servers) {
                server.awaitHealthy("/healthz", status -> status == 200);
                new PipelineLoader(8).load(server, pipelines);
            }
            LoadDriver driver = new LoadDriver(clients, Duration.ofMillis((long) (warmup * 1000)), Duration.ofMillis((long) (duration * 1000)));
            for (int round = 0; round < rounds; round++) {
                for (int m = 0; m < modes.length; m++) {
                    results.get(m).add(driver.run(Workload.named(Workload.GET_PIPELINE, pipelines), servers[m]));
                }
            }
        }
        System.out.println("| server | GetPipeline requests/s (median of " + rounds + ") | p50 ms | p99 ms | server CPU µs/request | errors |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        double[] cpuPerRequest = new double[2];
        double[] throughput = new double[2];
        for (int m = 0; m < modes.length; m++) {
            List<LoadResult> rs = results.get(m);
            throughput[m] = median(rs.stream().mapToDouble(LoadResult::requestsPerSecond).toArray());
            cpuPerRequest[m] = median(rs.stream().mapToDouble(r -> r.cpu().serverCores() * r.window().toNanos() / 1e3 / Math.max(1, r.requests()))
                    .toArray());
            System.out.printf(Locale.ROOT, "| `--auth %s` | %,.0f | %.2f | %.2f | %.0f | %d |%n", modes[m], throughput[m],
                    median(rs.stream().mapToDouble(r -> r.percentileMillis(50)).toArray()),
                    median(rs.stream().mapToDouble(r -> r.percentileMillis(99)).toArray()), cpuPerRequest[m],
                    rs.stream().mapToLong(LoadResult::errors).sum());
        }
        System.out.printf(Locale.ROOT, "Signature verification and policy evaluation: %+.0f µs of server CPU per request (%+.0f%%); throughput "
                + "%+.0f%%.%n", cpuPerRequest[1] - cpuPerRequest[0], 100 * (cpuPerRequest[1] / cpuPerRequest[0] - 1),
                100 * (throughput[1] / throughput[0] - 1));
        System.out.println("Rounds (requests/s, none / sigv4): " + String.join(", ", roundPairs(results)));
        System.out.printf(Locale.ROOT, "(%d pipelines, %d clients, %.0f s warm-up and %.0f s measured per round; load average before: %s, after: %s)%n",
                pipelines, clients, warmup, duration, loadBefore, Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static ServerProcess start(Path java, Path jar, Path work, String mode) {
        return ServerProcess.conveyor(java, List.of(), jar, work.resolve("data-" + mode), work.resolve(mode + ".log"), List.of("--auth", mode));
    }

    private static List<String> roundPairs(List<List<LoadResult>> results) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < results.get(0).size(); i++) {
            pairs.add(String.format(Locale.ROOT, "%,.0f / %,.0f", results.get(0).get(i).requestsPerSecond(), results.get(1).get(i).requestsPerSecond()));
        }
        return pairs;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
