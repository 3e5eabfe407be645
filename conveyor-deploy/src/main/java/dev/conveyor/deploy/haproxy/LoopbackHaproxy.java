package dev.conveyor.deploy.haproxy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Debian HAProxy in the foreground ({@code haproxy -db}) on loopback, in front of one backend: the shape the demo's
 * hosts, the deployment tests and the deployment benchmark all run. Its runtime API socket is what the Conveyor server
 * is given with {@code --haproxy-socket}; a server that starts disabled waits for a deployment to enable it.
 */
public final class LoopbackHaproxy implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** One server of the backend: the on-premises instance's name, its application's port, and whether it starts in rotation. */
    public record Server(String name, int port, boolean enabled) {
    }

    private final Process process;
    private final Path socket;
    private final int port;

    private LoopbackHaproxy(Process process, Path socket, int port) {
        this.process = process;
        this.socket = socket;
        this.port = port;
    }

    /**
     * Writes {@code dir/haproxy.cfg} (the frontend on a free loopback port, the backend with its servers, the runtime API
     * at {@code socket}), starts HAProxy with its output in {@code dir/haproxy.log} and waits for the socket.
     *
     * @throws IllegalStateException when HAProxy exits or makes no socket in time (its output says why)
     */
    public static LoopbackHaproxy start(Path dir, Path socket, String backend, List<Server> servers) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.deleteIfExists(socket);
        int port = freePort();
        StringBuilder config = new StringBuilder("""
                # Written by Conveyor at every start.
                global
                    stats socket %s mode 600 level admin
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                frontend web
                    bind 127.0.0.1:%d
                    default_backend %s
                backend %s
                    balance roundrobin
                """.formatted(socket, port, backend, backend));
        for (Server server : servers) {
            config.append("    server ").append(server.name()).append(" 127.0.0.1:").append(server.port()).append(" weight 100")
                    .append(server.enabled() ? "" : " disabled").append('\n');
        }
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        Path log = dir.resolve("haproxy.log");
        Process process = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Instant until = Instant.now().plus(START_TIMEOUT);
        while (!Files.exists(socket)) {
            if (!process.isAlive() || Instant.now().isAfter(until)) {
                process.destroyForcibly();
                throw new IllegalStateException("HAProxy did not start: " + Files.readString(log).strip());
            }
            Thread.sleep(20);
        }
        return new LoopbackHaproxy(process, socket, port);
    }

    /** A loopback port free at the time of the call. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The runtime API socket. */
    public Path socket() {
        return socket;
    }

    /** The frontend's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Where HAProxy serves the backend, e.g. {@code http://127.0.0.1:34567}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
