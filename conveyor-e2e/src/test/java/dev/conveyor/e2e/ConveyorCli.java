package dev.conveyor.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The packaged {@code conveyor} client commands as processes, told where the server is by CONVEYOR_ENDPOINT. */
final class ConveyorCli {
    /** What one run of the command did. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private final String endpoint;
    private final Path workDir;

    ConveyorCli(String endpoint, Path workDir) {
        this.endpoint = endpoint;
        this.workDir = workDir;
    }

    Result run(String... args) throws Exception {
        Path out = Files.createTempFile(workDir, "conveyor-", ".out");
        Path err = Files.createTempFile(workDir, "conveyor-", ".err");
        ProcessBuilder builder = new ProcessBuilder(PackagedCli.command(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("CONVEYOR_ENDPOINT", endpoint);
        TestEnvironment.signWithTestCredentials(builder);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("conveyor " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
