package dev.conveyor.e2e;

import dev.conveyor.testkit.TestCredentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real {@code aws} command pointed at a Conveyor endpoint, with throwaway credentials and no user config. */
final class AwsCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one invocation did. */
    record Result(int exitCode, String stdout, String stderr) {
        JsonNode json() throws IOException {
            return JSON.readTree(stdout);
        }
    }

    private final String endpoint;
    private final Path workDir;
    private final List<String> globalArgs;

    AwsCli(String endpoint, Path workDir) {
        this(endpoint, workDir, List.of());
    }

    /** With options added to every command, e.g. {@code --ca-bundle ca.pem} for an HTTPS endpoint. */
    AwsCli(String endpoint, Path workDir, List<String> globalArgs) {
        this.endpoint = endpoint;
        this.workDir = workDir;
        this.globalArgs = List.copyOf(globalArgs);
        ConveyorProcess.requireCommand("aws");
    }

    Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"));
        command.addAll(globalArgs);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY);
        env.put("AWS_CONFIG_FILE", workDir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", workDir.resolve("no-credentials").toString());
        env.put("AWS_PAGER", "");
        env.remove("AWS_PROFILE");
        Path out = workDir.resolve("aws.out");
        Path err = workDir.resolve("aws.err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("aws " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Runs a command whose output is not JSON (aws s3 mb, cp) and requires success. */
    void succeed(String... args) throws Exception {
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("aws " + String.join(" ", args) + " failed (" + result.exitCode() + "): " + result.stderr());
        }
    }

    /** Runs and requires success. */
    JsonNode ok(String... args) throws Exception {
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("aws " + String.join(" ", args) + " failed (" + result.exitCode() + "): " + result.stderr());
        }
        return result.stdout().isBlank() ? JSON.createObjectNode() : result.json();
    }
}
