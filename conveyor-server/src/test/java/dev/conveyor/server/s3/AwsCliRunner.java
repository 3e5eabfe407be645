package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.testkit.TestCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real {@code aws} command pointed at a test server, signing as the test administrator, with no user configuration. */
record AwsCliRunner(String endpoint, Path workDir) {
    record Result(int exitCode, String stdout, String stderr) {
    }

    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", TestCredentials.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", TestCredentials.SECRET_ACCESS_KEY);
        env.put("AWS_CONFIG_FILE", workDir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", workDir.resolve("no-credentials").toString());
        env.put("AWS_PAGER", "");
        env.remove("AWS_PROFILE");
        env.remove("AWS_SESSION_TOKEN");
        Path out = workDir.resolve("aws.out");
        Path err = workDir.resolve("aws.err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("aws " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Runs and requires success; the standard output. */
    String ok(String... args) throws IOException, InterruptedException {
        Result result = run(args);
        assertThat(result.exitCode()).as("aws " + String.join(" ", args) + ": " + result.stderr()).isZero();
        return result.stdout();
    }
}
