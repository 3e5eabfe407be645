package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Git push to pipeline start: how long after {@code git push} returns the execution it started is InProgress.
 * Conveyor runs as a process on H2, as a user starts it; a pipeline's CodeCommit source (PollForSourceChanges
 * false) reads a repository the server hosts; each run commits a change and pushes it with the stock git client
 * over HTTP, then asks ListPipelineExecutions (AWS JSON, plain HTTP) until the new execution is there. The same
 * pushes to a repository no pipeline watches show what starting the pipeline adds to the push itself. Each run
 * waits for the previous execution to finish, so every push meets an idle server. Writes the {@code git} section
 * of docs/benchmarks.md.
 *
 * <pre>java -cp conveyor-bench/target/conveyor-bench.jar dev.conveyor.bench.GitPushBench --root . [--runs 50]
 *      [--warmup 5] [--work DIR] [--report docs/benchmarks.md]</pre>
 */
public final class GitPushBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private GitPushBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Paths.get(".");
        int runs = 50;
        int warmup = 5;
        Path work = null;
        Path report = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Paths.get(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--work" -> work = Paths.get(args[++i]);
                case "--report" -> report = Paths.get(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--root DIR --runs N --warmup N --work DIR --report FILE)");
            }
        }
        Path jar = root.resolve("conveyor-cli/target/conveyor-cli.jar").toAbsolutePath();
        Path dir = work != null ? work : Files.createTempDirectory(root.toAbsolutePath().resolve("conveyor-bench").resolve("target"), "git-");
        Files.createDirectories(dir);
        MachineInfo machine = MachineInfo.collect();
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<Double> watchedPush = new ArrayList<>();
        List<Double> seenAfter = new ArrayList<>();
        List<Double> idlePush = new ArrayList<>();
        int atFirstLook = 0;
        try (ServerProcess server = ServerProcess.conveyor(java, List.of(), jar, dir.resolve("data"), dir.resolve("conveyor.log"))) {
            server.awaitHealthy("/healthz", status -> status == 200);
            String endpoint = "http://127.0.0.1:" + server.port();
            // Hosted git needs credentials: the administrator's key, as HTTP Basic in the push URL.
            String gitBase = administratorUrl(dir.resolve("data"), endpoint);
            call(endpoint, "CreatePipeline", pipeline("bench-push", "bench-app"));
            Path tree = Files.createDirectories(dir.resolve("bench-app"));
            git(tree, "init", "-q", "-b", "main");
            String first = commit(tree, 0);
            git(tree, "push", "-q", gitBase + "/v1/repos/bench-app", "main");
            awaitSettled(endpoint, latestExecution(endpoint, null, first));
            Path other = Files.createDirectories(dir.resolve("unwatched"));
            git(other, "init", "-q", "-b", "main");

            for (int i = 1; i <= warmup + runs; i++) {
                String commit = commit(tree, i);
                long start = System.nanoTime();
                git(tree, "push", "-q", gitBase + "/v1/repos/bench-app", "main");
                long returned = System.nanoTime();
                String id = latestExecution(endpoint, null, commit);
                long seen = System.nanoTime();
                boolean immediate = lookups == 1;
                awaitSettled(endpoint, id);

                commit(other, i);
                long idleStart = System.nanoTime();
                git(other, "push", "-q", gitBase + "/v1/repos/unwatched", "main");
                long idleEnd = System.nanoTime();
                if (i > warmup) {
                    watchedPush.add((returned - start) / 1e6);
                    seenAfter.add((seen - returned) / 1e6);
                    idlePush.add((idleEnd - idleStart) / 1e6);
                    atFirstLook += immediate ? 1 : 0;
                }
            }
        }
        Targets.record("git.inprogress", percentile(seenAfter, 50), null);
        Targets.record("git.push", percentile(watchedPush, 50), null);
        String section = section(machine, runs, warmup, watchedPush, idlePush, seenAfter, atFirstLook);
        System.out.println(section);
        if (report != null) {
            new ReportWriter(report).replaceSections(Map.of("git", section));
        }
    }

    /** How many ListPipelineExecutions requests the last {@link #latestExecution} needed. */
    private static int lookups;

    /** Waits until the newest execution is one for {@code commit} (not {@code previous}) and InProgress; returns its id. */
    private static String latestExecution(String endpoint, String previous, String commit) throws Exception {
        lookups = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            lookups++;
            JsonNode summaries = call(endpoint, "ListPipelineExecutions", "{\"pipelineName\":\"bench-push\",\"maxResults\":1}")
                    .path("pipelineExecutionSummaries");
            if (!summaries.isEmpty()) {
                JsonNode newest = summaries.get(0);
                if (newest.path("trigger").path("triggerDetail").asText().contains(commit) && !newest.path("pipelineExecutionId").asText().equals(previous)) {
                    return newest.path("pipelineExecutionId").asText();
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no execution for commit " + commit + " within 30 s");
    }

    private static void awaitSettled(String endpoint, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String status = call(endpoint, "GetPipelineExecution", "{\"pipelineName\":\"bench-push\",\"pipelineExecutionId\":\"" + id + "\"}")
                    .path("pipelineExecution").path("status").asText();
            if (status.equals("Succeeded")) {
                return;
            }
            if (!status.equals("InProgress")) {
                throw new IllegalStateException("execution " + id + " is " + status);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("execution " + id + " did not finish within 60 s");
    }

    private static String pipeline(String name, String repository) {
        return """
                {"pipeline":{"name":"%s","roleArn":"arn:aws:iam::123456789012:role/bench","pipelineType":"V2","executionMode":"QUEUED",
                "artifactStore":{"type":"S3","location":"bench-artifacts"},"stages":[
                {"name":"Source","actions":[{"name":"Source","actionTypeId":{"category":"Source","owner":"AWS","provider":"CodeCommit","version":"1"},
                 "configuration":{"RepositoryName":"%s","BranchName":"main","PollForSourceChanges":"false"},"outputArtifacts":[{"name":"Src"}]}]},
                {"name":"Build","actions":[{"name":"Build","actionTypeId":{"category":"Compute","owner":"AWS","provider":"Commands","version":"1"},
                 "commands":["true"],"inputArtifacts":[{"name":"Src"}]}]}]}}""".formatted(name, repository);
    }

    /** The administrator key the server wrote at its first start (signs the API calls; git uses it as HTTP Basic). */
    private static volatile dev.conveyor.testkit.TestSigner signer;

    private static JsonNode call(String endpoint, String operation, String body) throws IOException, InterruptedException {
        java.util.Map<String, String> headers = java.util.Map.of("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "CodePipeline_20150709." + operation);
        URI uri = URI.create(endpoint + "/");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(request::header);
        signer.sign("POST", uri, headers, bytes, "codepipeline").forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(operation + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String commit(Path tree, int i) throws Exception {
        Files.writeString(tree.resolve("change.txt"), "change " + i + "\n");
        git(tree, "add", "-A");
        git(tree, "commit", "-q", "-m", "change " + i);
        return git(tree, "rev-parse", "HEAD").strip();
    }

    /** {@code endpoint} with the key in {@code <dataDir>/admin-credentials} (written at the server's first start) as user info. */
    private static String administratorUrl(Path dataDir, String endpoint) throws java.io.IOException {
        String id = null;
        String secret = null;
        for (String line : Files.readAllLines(dataDir.resolve("admin-credentials"), StandardCharsets.UTF_8)) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[0].strip().equals("aws_access_key_id")) {
                id = kv[1].strip();
            } else if (kv.length == 2 && kv[0].strip().equals("aws_secret_access_key")) {
                secret = kv[1].strip();
            }
        }
        signer = new dev.conveyor.testkit.TestSigner(id, secret, "us-east-1");
        return endpoint.replace("://", "://" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
                + java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8) + "@");
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=bench", "-c", "user.email=bench@example.com",
                "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    private static boolean busy(MachineInfo machine) {
        try {
            return Double.parseDouble(machine.loadAverageAtStart().trim().split("\\s+")[0]) > machine.cores() * 0.75;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String row(String what, List<Double> ms) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |", what, percentile(ms, 50), percentile(ms, 90),
                percentile(ms, 99), Collections.max(ms));
    }

    private static String section(MachineInfo machine, int runs, int warmup, List<Double> watched, List<Double> idle, List<Double> seen,
                                  int atFirstLook) {
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(machine.date()).append(" on ").append(machine.cores()).append(" cores / ")
                .append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / 1073741824.0)).append(" with ").append(machine.jdk())
                .append(" (load average at start: ").append(machine.loadAverageAtStart()).append(").");
        if (busy(machine)) {
            md.append(" **Other processes were busy when the run started: the figures include that contention.**");
        }
        md.append("\n\n");
        md.append("Reproduce: `java -cp conveyor-bench/target/conveyor-bench.jar dev.conveyor.bench.GitPushBench --root . --runs ")
                .append(runs).append(" --report docs/benchmarks.md` (after `mvn -DskipTests install` and `mvn -f conveyor-bench/pom.xml package`; about a minute).\n\n");
        md.append(runs).append(" pushes after ").append(warmup).append(" warm-up pushes, one small commit each, stock `git` over HTTP to Conveyor ")
                .append("on H2 (embedded agent on), milliseconds:\n\n");
        md.append("| | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|\n");
        md.append(row("`git push` returns → execution InProgress (seen by ListPipelineExecutions)", seen)).append('\n');
        md.append(row("`git push`, repository a CodeCommit source watches (the push starts the pipeline)", watched)).append('\n');
        md.append(row("`git push`, repository nothing watches", idle)).append('\n');
        md.append('\n').append(atFirstLook).append(" of ").append(runs)
                .append(" executions were already InProgress at the first ListPipelineExecutions after the push returned: the start is ")
                .append("written before the server answers the push (the post-receive hook runs before receive-pack's response is sent), ")
                .append("so the first row is one API round trip, and the cost of starting the pipeline is the difference between the ")
                .append("second and third rows.\n");
        return md.toString();
    }
}
