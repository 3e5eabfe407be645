package dev.conveyor.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code conveyor agent} as a separate process, from the packaged jar. */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static AgentProcess start(String server, String name, Path workDir, String... extraArgs) throws IOException {
        Files.createDirectories(workDir);
        Path log = workDir.resolve("agent.log");
        List<String> command = PackagedCli.command("agent", "--server", server, "--name", name, "--work-dir", workDir.toString());
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        TestEnvironment.signWithTestCredentials(builder);
        return new AgentProcess(builder.start(), log);
    }

    /** SIGKILL, as a crashed host or an OOM kill. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
