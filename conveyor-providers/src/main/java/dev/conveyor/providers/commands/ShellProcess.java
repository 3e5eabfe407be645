package dev.conveyor.providers.commands;

import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.providers.sandbox.JobSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A command (usually a bash script) run in its own session, so the whole process tree can be killed, not just its
 * first process; its merged output streamed line by line to a log, bounded by a timeout and by interruption of the
 * caller. Shared by the Commands action and CodeBuild builds.
 */
public final class ShellProcess {
    /** Output lines longer than this are split, so one runaway line cannot exhaust memory. */
    static final int MAX_LINE_CHARS = 64 * 1024;

    /** How a run ended: the exit code, or that it was killed for the timeout. */
    public record Result(int exitCode, boolean timedOut) {
    }

    private ShellProcess() {
    }

    static Result run(JobSandbox sandbox, Path script, Path workingDir, Map<String, String> environment, Duration timeout, ActionJob job)
            throws InterruptedException {
        return run(sandbox, job.workspace(), List.of("bash", script.toString()), workingDir, environment, timeout, job.log()::line,
                job::registerProcessGroup);
    }

    /**
     * Runs a job's {@code command} in {@code sandbox}: only {@code environment} (the job's declared variables) and the
     * sandbox's basics, never this process's environment; as the sandbox's user, seeing what it lets the job see of
     * {@code workspace}. Otherwise as {@link #run(List, Path, Map, Duration, Consumer, LongConsumer)}.
     */
    public static Result run(JobSandbox sandbox, Path workspace, List<String> command, Path workingDir, Map<String, String> environment,
                             Duration timeout, Consumer<String> output, LongConsumer processGroup) throws InterruptedException {
        sandbox.prepare(workspace);
        return start(sandbox.command(command, workspace, workingDir), command.getFirst(), workingDir,
                sandbox.environment(environment, workspace), true, timeout, output, processGroup);
    }

    /**
     * Runs {@code command} under {@code setsid} in {@code workingDir} with {@code environment} added to this
     * process's, handing each output line to {@code output}. {@code processGroup} learns the session's process
     * group as soon as it exists (to be killed if this process dies). On timeout the tree is killed and the result
     * says so; on interruption the tree is killed and InterruptedException is thrown.
     */
    public static Result run(List<String> command, Path workingDir, Map<String, String> environment, Duration timeout,
                             Consumer<String> output, LongConsumer processGroup) throws InterruptedException {
        return start(command, command.getFirst(), workingDir, environment, false, timeout, output, processGroup);
    }

    private static Result start(List<String> command, String name, Path workingDir, Map<String, String> environment, boolean clean,
                                Duration timeout, Consumer<String> output, LongConsumer processGroup) throws InterruptedException {
        List<String> full = new ArrayList<>(List.of("setsid"));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(workingDir.toFile()).redirectErrorStream(true);
        if (clean) {
            builder.environment().clear();
        }
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
        processGroup.accept(process.pid()); // setsid: the command leads its own process group
        Thread pump = Thread.ofVirtual().start(() -> pump(process.getInputStream(), output));
        try {
            if (!process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
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

    /** Reads lines (split at {@link #MAX_LINE_CHARS}) until the stream ends. */
    private static void pump(InputStream stream, Consumer<String> output) {
        try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            char[] buffer = new char[8192];
            int n;
            while ((n = reader.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        output.accept(stripCarriageReturn(line));
                        line.setLength(0);
                    } else {
                        line.append(c);
                        if (line.length() >= MAX_LINE_CHARS) {
                            output.accept(line.toString());
                            line.setLength(0);
                        }
                    }
                }
            }
            if (!line.isEmpty()) {
                output.accept(stripCarriageReturn(line));
            }
        } catch (IOException ignored) {
            // the process was killed; what was read is logged
        }
    }

    private static String stripCarriageReturn(StringBuilder line) {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    /**
     * The first lines of a script that must not outlive this process: if the agent dies (kill -9, OOM), its job
     * is offered to another agent, and this run must not go on beside that one. A watchdog kills the script's whole
     * process group once this process is gone; it is stopped with {@code kill $CONVEYOR_WATCHDOG} (the script's
     * EXIT trap should do it).
     */
    public static String watchdogPrelude() {
        return "( while kill -0 " + ProcessHandle.current().pid()
                + " 2>/dev/null; do sleep 1; done; kill -KILL -- -$$ ) >/dev/null 2>&1 &\nCONVEYOR_WATCHDOG=$!\n";
    }

    /** Kills the session's process group, then anything still alive below it. */
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
