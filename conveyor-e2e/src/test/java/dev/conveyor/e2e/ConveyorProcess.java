package dev.conveyor.e2e;

import dev.conveyor.testkit.TestCredentials;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code conveyor server} as a separate operating-system process, started from the packaged jar the way
 * bin/conveyor starts it. The endpoint is read from the line the server prints when it is ready.
 */
final class ConveyorProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("Conveyor is ready at (https?://\\S+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final String endpoint;

    private ConveyorProcess(Process process) throws Exception {
        this.process = process;
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m.group(1));
                    }
                }
                ready.completeExceptionally(new IllegalStateException("the server exited before it was ready:\n" + String.join("\n", output)));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        });
        try {
            this.endpoint = ready.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // A server that never said it was ready is stopped, not left running (and loading the machine) after the test.
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("the server was not ready within 60 s:\n" + String.join("\n", output), e);
        }
    }

    /** Starts {@code conveyor server --port 0 --data-dir dataDir} plus any extra arguments. */
    static ConveyorProcess start(Path dataDir, String... extraArgs) throws Exception {
        return start(List.of(), dataDir, extraArgs);
    }

    /** The same, on a JVM given {@code jvmOptions}. */
    static ConveyorProcess start(List<String> jvmOptions, Path dataDir, String... extraArgs) throws Exception {
        List<String> command = PackagedCli.command(jvmOptions, "server", "--port", "0", "--data-dir", dataDir.toString());
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The administrator is the test key pair every test client signs with (issue 14).
        builder.environment().put("CONVEYOR_ADMIN_ACCESS_KEY_ID", dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID);
        builder.environment().put("CONVEYOR_ADMIN_SECRET_ACCESS_KEY", dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY);
        return new ConveyorProcess(builder.start());
    }

    /** {@code conveyor server --port port --data-dir dataDir} plus {@code extraArgs}, with {@code env} added to its environment. */
    static ConveyorProcess startOnPort(java.util.Map<String, String> env, Path dataDir, int port, String... extraArgs) throws Exception {
        List<String> command = PackagedCli.command("server", "--port", Integer.toString(port), "--data-dir", dataDir.toString());
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        return new ConveyorProcess(builder.start());
    }

    /** The process id (to tell replicas apart in logs). */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The same, with {@code environment} added to the server process's environment. */
    static ConveyorProcess startWithEnvironment(Map<String, String> environment, Path dataDir, String... extraArgs) throws Exception {
        List<String> command = PackagedCli.command(List.of(), "server", "--port", "0", "--data-dir", dataDir.toString());
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CONVEYOR_ADMIN_ACCESS_KEY_ID", dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID);
        builder.environment().put("CONVEYOR_ADMIN_SECRET_ACCESS_KEY", dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY);
        builder.environment().putAll(environment);
        return new ConveyorProcess(builder.start());
    }

    /** Starts a server on a given port (one that restarts where its agents expect it), plus any extra arguments. */
    static ConveyorProcess startOnPort(Path dataDir, int port, String... extraArgs) throws Exception {
        List<String> command = PackagedCli.command(List.of(), "server", "--port", Integer.toString(port), "--data-dir", dataDir.toString());
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CONVEYOR_ADMIN_ACCESS_KEY_ID", dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID);
        builder.environment().put("CONVEYOR_ADMIN_SECRET_ACCESS_KEY", dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY);
        return new ConveyorProcess(builder.start());
    }

    String endpoint() {
        return endpoint;
    }

    String output() {
        return String.join("\n", output);
    }

    /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the server did not stop within 30 s of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: the process dies at once, with no shutdown hook, as in a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Unix
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        // The server's own children (the demo's HAProxy, agents' job processes) outlive a SIGKILL of the server: end
        // them too, so that no test leaves processes behind for the ones after it.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void requireCommand(String name) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + name).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(name + " is not installed; .ci/run installs it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
