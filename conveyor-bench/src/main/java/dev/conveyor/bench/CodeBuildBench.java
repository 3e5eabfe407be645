package dev.conveyor.bench;

import dev.conveyor.testkit.TestCredentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.engine.StartRequest;
import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long a pipeline's CodeBuild action takes to reach its first build command, in-process on the embedded
 * database with the embedded agent: the action is queued, the agent takes its job and starts the build (asking the
 * server for the project, its variables and a build record), then fetches and unpacks the input artifact, reads the
 * buildspec, resolves its secrets and starts bash. The first command writes the time; the build's
 * CODEBUILD_START_TIME marks the moment the agent had the job and the build was recorded. Three sources: one file
 * with the buildspec in the project; the buildspec in the source with a parameter-store and a secrets-manager
 * variable; 2,000 files (about 8 MiB). Writes the {@code codebuild} section of docs/benchmarks.md with
 * {@code --report FILE}.
 */
public final class CodeBuildBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIRST_COMMAND = "echo \"$CODEBUILD_START_TIME $(date +%s%N)\" > \"$MARK\"";

    private final ConveyorServer server;
    private final Path work;
    private final HttpClient http = HttpClient.newHttpClient();

    private CodeBuildBench(ConveyorServer server, Path work) {
        this.server = server;
        this.work = work;
    }

    /** One scenario's figures, milliseconds. */
    record Figures(String scenario, double[] queuedToBuild, double[] buildToCommand, double[] total) {
    }

    public static void main(String[] args) throws Exception {
        List<String> argv = Arrays.asList(args);
        String report = argv.contains("--report") ? argv.get(argv.indexOf("--report") + 1) : null;
        int runs = argv.contains("--runs") ? Integer.parseInt(argv.get(argv.indexOf("--runs") + 1)) : 30;
        List<Figures> figures = new ArrayList<>();
        MachineInfo machine = MachineInfo.collect();
        Path disk = Files.createTempDirectory("conveyor-codebuild-bench-");
        try (ConveyorServer server = new ConveyorServer(ServerConfig.embedded(disk.resolve("data"), 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).allowJobsToWrite(List.of(marks(disk))).start()) {
            CodeBuildBench bench = new CodeBuildBench(server, disk);
            bench.setUp();
            figures.add(bench.measure("one file, buildspec in the project", "small", runs));
            figures.add(bench.measure("buildspec in the source, 2 secrets (parameter store, secrets manager)", "secrets", runs));
            figures.add(bench.measure("2,000 files (8 MiB unpacked)", "large", runs));
        }
        // The same 2,000 files with the data directory (workspaces included) in memory: how much of that row is the
        // disk's file creation rather than Conveyor.
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            Path memory = Files.createTempDirectory(shm, "conveyor-codebuild-bench-");
            try (ConveyorServer server = new ConveyorServer(ServerConfig.embedded(memory.resolve("data"), 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).allowJobsToWrite(List.of(marks(memory))).start()) {
                CodeBuildBench bench = new CodeBuildBench(server, memory);
                bench.setUp();
                figures.add(bench.measure("2,000 files, data directory on tmpfs (/dev/shm)", "large", runs));
            }
            BenchFiles.deleteTree(memory);
        }
        BenchFiles.deleteTree(disk);
        Targets.record("codebuild.first", percentile(figures.getFirst().total(), 50), figures.getFirst().scenario());
        String section = section(machine, figures, runs);
        System.out.println(section);
        if (report != null) {
            new ReportWriter(Path.of(report)).replaceSections(Map.of("codebuild", section));
        }
        System.exit(0);
    }

    private void setUp() throws Exception {
        call("AmazonSSM.PutParameter", "{\"Name\":\"/bench/db-password\",\"Value\":\"p4ss-word\",\"Type\":\"SecureString\"}");
        call("secretsmanager.CreateSecret", "{\"Name\":\"bench/token\",\"SecretString\":\"{\\\"token\\\":\\\"t0k3n\\\"}\"}");
        project("bench-inline", "version: 0.2\nphases:\n  install:\n    commands:\n      - '" + FIRST_COMMAND.replace("'", "''") + "'\n");
        project("bench-from-source", null);
        server.objects().createBucket("bench-sources");
        source("small", Map.of("app.txt", "hello\n"), 0);
        source("secrets", Map.of("buildspec.yml", """
                version: 0.2
                env:
                  secrets-manager:
                    TOKEN: bench/token:token
                phases:
                  install:
                    commands:
                      - '%s'
                """.formatted(FIRST_COMMAND.replace("'", "''"))), 0);
        source("large", Map.of(), 2000);
        for (String name : List.of("small", "secrets", "large")) {
            pipeline(name, name.equals("secrets") ? "bench-from-source" : "bench-inline");
        }
    }

    private void project(String name, String buildspec) throws Exception {
        ObjectNode input = JSON.createObjectNode().put("name", name).put("serviceRole", "arn:aws:iam::000000000000:role/bench");
        ObjectNode source = input.putObject("source").put("type", "CODEPIPELINE");
        if (buildspec != null) {
            source.put("buildspec", buildspec);
        }
        input.putObject("artifacts").put("type", "CODEPIPELINE");
        ObjectNode environment = input.putObject("environment").put("type", "LINUX_CONTAINER").put("image", "aws/codebuild/standard:7.0")
                .put("computeType", "BUILD_GENERAL1_SMALL");
        environment.putArray("environmentVariables").addObject().put("name", "DB_PASSWORD").put("value", "/bench/db-password")
                .put("type", "PARAMETER_STORE");
        call("CodeBuild_20161006.CreateProject", input.toString());
    }

    /** A source zip: the given files, plus {@code extraFiles} files of 4 KiB in 20 directories. */
    private void source(String key, Map<String, String> files, int extraFiles) throws IOException {
        Path dir = Files.createDirectories(work.resolve("source-" + key));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        byte[] block = "x".repeat(4096).getBytes();
        for (int i = 0; i < extraFiles; i++) {
            Path file = dir.resolve("module-" + (i % 20)).resolve("file-" + i + ".txt");
            Files.createDirectories(file.getParent());
            Files.write(file, block);
        }
        Path zip = work.resolve(key + ".zip");
        ZipArchives.zip(dir, zip);
        try (InputStream in = Files.newInputStream(zip)) {
            server.objects().putObject("bench-sources", key + ".zip", ObjectWrite.plain().withLength(Files.size(zip)), in);
        }
    }

    private void pipeline(String name, String project) throws Exception {
        Path mark = marks(work).resolve("mark-" + name);
        String definition = """
                {"pipeline": {"name": "%s", "roleArn": "arn:aws:iam::111111111111:role/bench", "pipelineType": "V2",
                 "executionMode": "QUEUED", "artifactStore": {"type": "S3", "location": "bench-artifacts"},
                 "stages": [
                  {"name": "Source", "actions": [{"name": "Source",
                     "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                     "configuration": {"S3Bucket": "bench-sources", "S3ObjectKey": "%s.zip", "PollForSourceChanges": "false"},
                     "outputArtifacts": [{"name": "Src"}]}]},
                  {"name": "Build", "actions": [{"name": "Build",
                     "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                     "configuration": {"ProjectName": "%s",
                       "EnvironmentVariables": "[{\\"name\\":\\"MARK\\",\\"value\\":\\"%s\\",\\"type\\":\\"PLAINTEXT\\"}]"},
                     "inputArtifacts": [{"name": "Src"}]}]}
                 ]}}""".formatted(name, name, project, mark);
        call("CodePipeline_20150709.CreatePipeline", definition);
    }

    private Figures measure(String label, String pipeline, int runs) throws Exception {
        for (int i = 0; i < 5; i++) {
            runOnce(pipeline); // warm-up: JIT, connection pool, page cache
        }
        double[] queued = new double[runs];
        double[] command = new double[runs];
        double[] total = new double[runs];
        for (int i = 0; i < runs; i++) {
            double[] r = runOnce(pipeline);
            queued[i] = r[0];
            command[i] = r[1];
            total[i] = r[2];
        }
        System.out.printf(Locale.ROOT, "codebuild %s: build started %.1f ms after the action was queued, first command %.1f ms later (p50)%n",
                label, percentile(queued, 50), percentile(command, 50));
        return new Figures(label, queued, command, total);
    }

    /** Runs the pipeline once; returns queued → build started, build started → first command, queued → first command. */
    private double[] runOnce(String pipeline) throws Exception {
        Path mark = marks(work).resolve("mark-" + pipeline);
        Files.deleteIfExists(mark);
        String id = server.engine().startExecution(StartRequest.manual(pipeline));
        Instant until = Instant.now().plusSeconds(60);
        PipelineExecutionRow execution;
        do {
            Thread.sleep(20);
            execution = server.queries().executionById(id);
        } while (!execution.status().isSettled() && Instant.now().isBefore(until));
        if (!"Succeeded".equals(execution.status().name())) {
            throw new IllegalStateException("execution " + id + " ended " + execution.status() + ": " + execution.statusSummary());
        }
        ActionExecutionRow build = server.queries().actions(id).stream().filter(a -> a.actionName().equals("Build")).findFirst().orElseThrow();
        String[] marks = Files.readString(mark).strip().split(" ");
        long buildStartMillis = Long.parseLong(marks[0]);
        double commandMillis = Long.parseLong(marks[1]) / 1e6;
        double queuedMillis = build.startedAt().toEpochMilli();
        return new double[] {buildStartMillis - queuedMillis, commandMillis - buildStartMillis, commandMillis - queuedMillis};
    }

    private JsonNode call(String target, String body) throws Exception {
        // Signed as the server's administrator, for the service the target belongs to (its signing name).
        String service = target.startsWith("AmazonSSM.") ? "ssm" : target.startsWith("secretsmanager.") ? "secretsmanager"
                : target.startsWith("CodeBuild_") ? "codebuild" : "codepipeline";
        HttpResponse<String> response = http.send(dev.conveyor.testkit.TestSigner.request("POST", URI.create(server.endpoint() + "/"),
                java.util.Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", target),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8), service).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(target + " failed: " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * Where the builds write their timing marks: the one directory outside their workspace that the job sandbox lets
     * them write (issue 14), open to the unprivileged user builds run as when the benchmark runs as root.
     */
    private static Path marks(Path work) throws IOException {
        Path dir = work.resolve("marks");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        return dir;
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String section(MachineInfo machine, List<Figures> figures, int runs) {
        StringBuilder s = new StringBuilder();
        s.append("Measured ").append(machine.date()).append(" on ").append(machine.cores()).append(" cores / ")
                .append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / 1073741824.0)).append(" with ")
                .append(machine.jdk()).append(" (load average at start: ").append(machine.loadAverageAtStart()).append(").\n\n");
        s.append("Reproduce: `mvn -q -DskipTests install && mvn -q -f conveyor-bench/pom.xml package && java -cp "
                + "\"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.CodeBuildBench "
                + "--report docs/benchmarks.md` (about a minute).\n\n");
        s.append("A pipeline S3 source → CodeBuild build, run ").append(runs).append(" times after 5 warm-up runs by the embedded agent ")
                .append("on the embedded database, on the host (no container engine runs on this machine). The build's first command ")
                .append("writes the time; the build's CODEBUILD_START_TIME is when the agent had taken the job and the server had ")
                .append("recorded the build (after the StartBuild request, which also resolves the project's parameter-store ")
                .append("variable). Milliseconds, p50 / p90 / max:\n\n");
        s.append("| Source | Action queued → build started | Build started → first command running | Action queued → first command |\n")
                .append("|---|---:|---:|---:|\n");
        for (Figures f : figures) {
            s.append("| ").append(f.scenario()).append(" | ").append(triple(f.queuedToBuild())).append(" | ")
                    .append(triple(f.buildToCommand())).append(" | ").append(triple(f.total())).append(" |\n");
        }
        s.append("\n\"Build started → first command\" is CodeBuild's own preparation on the agent: fetching and unpacking the ")
                .append("input artifact, reading the buildspec, resolving its secrets (one more request to the server), reporting the ")
                .append("phases so far, then starting bash with the phase script. With 2,000 files it is dominated by creating them ")
                .append("on the virtual disk (ext4), and that row varies from run to run with the machine's other disk activity (its ")
                .append("p50 was between 0.4 s and 1.9 s in runs on the same day); the last row, the same build with the server's data ")
                .append("directory (so the build's workspace) in memory, shows Conveyor's own cost.\n");
        return s.toString();
    }

    private static String triple(double[] values) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", percentile(values, 50), percentile(values, 90),
                Arrays.stream(values).max().orElse(0));
    }
}
