package dev.conveyor.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's package) on loopback, in the foreground: one frontend, one backend named as the deployment
 * group's target group, a server per host named as the host's on-premises instance, every server starting disabled
 * (nothing is installed yet). Its runtime API socket is what the Conveyor server is given with --haproxy-socket.
 */
final class Haproxy implements AutoCloseable {
    private final Process process;
    private final Path socket;
    private final int port;
    private final Path log;

    private Haproxy(Process process, Path socket, int port, Path log) {
        this.process = process;
        this.socket = socket;
        this.port = port;
        this.log = log;
    }

    static Haproxy start(Path dir, String backend, List<String> servers, List<Integer> ports) throws Exception {
        ConveyorProcess.requireCommand("haproxy");
        Files.createDirectories(dir);
        Path socket = dir.resolve("admin.sock");
        int port = freePort();
        StringBuilder config = new StringBuilder("""
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
        for (int i = 0; i < servers.size(); i++) {
            config.append("    server ").append(servers.get(i)).append(" 127.0.0.1:").append(ports.get(i)).append(" weight 100 disabled\n");
        }
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        Path log = dir.resolve("haproxy.log");
        Process process = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Haproxy haproxy = new Haproxy(process, socket, port, log);
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (!Files.exists(socket)) {
            if (!process.isAlive() || Instant.now().isAfter(until)) {
                throw new IllegalStateException("HAProxy did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return haproxy;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Path socket() {
        return socket;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A runtime API command's answer. */
    String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16384);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** Each server's status in the backend, e.g. {@code host-1=UP}, {@code host-2=MAINT}, {@code host-3=DRAIN}. */
    java.util.Map<String, String> statuses(String backend) throws IOException {
        java.util.Map<String, String> statuses = new java.util.TreeMap<>();
        String[] lines = command("show stat").split("\n");
        List<String> header = List.of(lines[0].substring(2).split(","));
        int status = header.indexOf("status");
        for (String line : lines) {
            String[] cells = line.split(",", -1);
            if (cells.length > status && cells[0].equals(backend) && !cells[1].equals("BACKEND") && !cells[1].equals("FRONTEND")) {
                String s = cells[status];
                // Without health checks an enabled server reads "no check"; a disabled one "MAINT", a draining one "DRAIN…".
                statuses.put(cells[1], s.startsWith("MAINT") ? "MAINT" : s.startsWith("DRAIN") ? "DRAIN" : "UP");
            }
        }
        return statuses;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
