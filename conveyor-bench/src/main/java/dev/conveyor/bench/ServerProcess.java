package dev.conveyor.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * A server under test, run as a separate process exactly as a user would start it, on a loopback port chosen
 * here (so that health can be polled from the very moment the process is launched). Its output goes to a log file;
 * {@link #close()} stops it with SIGTERM and, if it lingers, SIGKILL.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final List<String> command;
    private final Process process;
    private final long launchedAtNanos;
    private final int port;
    private final Path log;
    /** Stops the server if the benchmark itself is interrupted (Ctrl-C) before {@link #close()}. */
    private final Thread stopOnExit;

    private ServerProcess(String name, List<String> command, int port, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.port = port;
        this.log = log;
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // Conveyor's administrator is the key the benchmark signs with (AwsJsonRequest); moto ignores these.
            builder.environment().put("CONVEYOR_ADMIN_ACCESS_KEY_ID", dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID);
            builder.environment().put("CONVEYOR_ADMIN_SECRET_ACCESS_KEY", dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY);
            this.launchedAtNanos = System.nanoTime();
            this.process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
        stopOnExit = new Thread(this::stop, "bench-stop-" + name);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts {@code java [launcher options] [jvmOptions] -jar conveyor-cli.jar server} on a free port, on H2 under
     * {@code dataDir}: as bin/conveyor starts it ({@link #launcherOptions}).
     */
    static ServerProcess conveyor(Path java, List<String> jvmOptions, Path jar, Path dataDir, Path log) {
        return conveyor(java, jvmOptions, jar, dataDir, log, List.of());
    }

    /** As {@link #conveyor(Path, List, Path, Path, Path)}, with more server options (e.g. {@code --auth none}). */
    static ServerProcess conveyor(Path java, List<String> jvmOptions, Path jar, Path dataDir, Path log, List<String> serverOptions) {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(launcherOptions(jar));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "server", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(), "--region", AwsJsonRequest.REGION,
                "--account-id", AwsJsonRequest.ACCOUNT_ID));
        command.addAll(serverOptions);
        return new ServerProcess("Conveyor", command, port, log);
    }

    /**
     * The options bin/conveyor adds for a server: the ahead-of-time cache it made for this JDK (bin/lib/aot.sh), when
     * there is one newer than the jar. The server runs on this JVM, so this JVM's version names the cache.
     */
    static List<String> launcherOptions(Path jar) {
        int feature = Runtime.version().feature();
        Path cache = jar.resolveSibling("conveyor-server-jdk" + feature + ".aot");
        try {
            if (feature >= 25 && Files.exists(cache) && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0) {
                return List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
            }
        } catch (IOException e) {
            // no cache, then
        }
        return List.of();
    }

    /** Starts {@code moto_server -H 127.0.0.1 -p <port>}. */
    static ServerProcess moto(String motoCommand, Path log) {
        int port = freePort();
        return new ServerProcess("moto", List.of(motoCommand, "-H", "127.0.0.1", "-p", Integer.toString(port)), port, log);
    }

    /**
     * Polls {@code GET path} every few milliseconds until the status satisfies {@code healthy}; returns the time
     * from launching the process to that first healthy answer.
     */
    Duration awaitHealthy(String path, IntPredicate healthy) {
        byte[] request = AwsJsonRequest.get(port, path);
        long deadline = launchedAtNanos + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue()
                        + " before becoming healthy; see " + log);
            }
            try (HttpConnection connection = new HttpConnection(address())) {
                if (healthy.test(connection.send(request).status())) {
                    return Duration.ofNanos(System.nanoTime() - launchedAtNanos);
                }
            } catch (IOException notListeningYet) {
                // Expected while the process starts: connection refused.
            }
            sleepMillis(5);
        }
        throw new IllegalStateException(name + " did not become healthy within " + STARTUP_TIMEOUT + "; see " + log);
    }

    String name() {
        return name;
    }

    List<String> command() {
        return command;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * CPU time (user + system) consumed so far by the process and its children. A launcher script may sit in
     * front of the real server (moto_server is a Python entry point, often behind a pyenv shim), hence the children.
     */
    Duration cpuTime() {
        Duration total = process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
        for (ProcessHandle child : process.descendants().toList()) {
            total = total.plus(child.info().totalCpuDuration().orElse(Duration.ZERO));
        }
        return total;
    }

    /** Resident set size of the process and its children, in bytes, from /proc (0 when unavailable). */
    long residentBytes() {
        long total = ProcFs.residentBytes(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            total += ProcFs.residentBytes(child.pid());
        }
        return total;
    }

    /** SIGTERM, then SIGKILL if the process has not exited after a while; children likewise. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it stops the process.
        }
        stop();
    }

    private void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static int freePort() {
        // The port is released before the server binds it; on a loopback-only benchmark machine the race with
        // another process taking it in between is negligible, and it lets health be polled from launch.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the server", e);
        }
    }
}
