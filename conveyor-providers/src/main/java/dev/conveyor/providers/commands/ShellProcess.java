package dev.conveyor.providers.commands;

import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A bash script run in its own session (so the whole process tree can be killed, not just bash), its merged
 * output streamed line by line into the action log, bounded by a timeout and by interruption of the caller.
 */
final class ShellProcess {
    /** How a run ended: the exit code, or that it was killed for the timeout. */
    record Result(int exitCode, boolean timedOut) {
    }

    private ShellProcess() {
    }

    static Result run(Path script, Path workingDir, Map<String, String> environment, Duration timeout, ActionJob job)
            throws InterruptedException {
        ActionLog log = job.log();
        ProcessBuilder builder = new ProcessBuilder(List.of("setsid", "bash", script.toString()))
                .directory(workingDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start bash: " + e.getMessage(), e);
        }
        job.registerProcessGroup(process.pid()); // setsid: bash leads its own process group
        Thread pump = Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.line(line);
                }
            } catch (IOException ignored) {
                // the process was killed; what was read is logged
            }
        });
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                pump.join(Duration.ofSeconds(5));
                return new Result(-1, true);
            }
            pump.join(Duration.ofSeconds(5));
            return new Result(process.exitValue(), false);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
    }

    /** Kills the session's process group, then anything still alive below bash. */
    static void killTree(Process process) {
        long pid = process.pid();
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + pid).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // fall through to the per-process kill
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
