package dev.conveyor.deploy.haproxy;

import dev.conveyor.deploy.engine.TrafficControl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy driven over its runtime API (a {@code stats socket … level admin} UNIX socket), never reloaded: a target
 * group is a backend of that name, an instance a server named as the instance. Blocking a server sets it to
 * {@code drain} (no new requests, open ones finish), waits until its current sessions reach zero, then sets
 * {@code maint}; allowing it sets {@code ready} and its configured weight (100%).
 */
public final class HaproxyRuntime implements TrafficControl {
    private static final Duration POLL = Duration.ofMillis(50);
    private final Path socket;

    public HaproxyRuntime(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** Sends one command (non-interactive mode: HAProxy answers and closes) and returns the answer. */
    public String command(String command) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot talk to HAProxy's runtime API at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Runs a command whose success answer is empty; anything else (e.g. "No such server.") is an error. */
    private void expectEmpty(String command) {
        String answer = command(command).strip();
        if (!answer.isEmpty()) {
            throw new IllegalStateException("HAProxy refused '" + command + "': " + answer);
        }
    }

    @Override
    public void block(String backend, String server, Duration timeout) {
        expectEmpty("set server " + backend + "/" + server + " state drain");
        Instant until = Instant.now().plus(timeout);
        while (sessions(backend, server) > 0 && Instant.now().isBefore(until)) {
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while draining " + backend + "/" + server, e);
            }
        }
        expectEmpty("set server " + backend + "/" + server + " state maint");
    }

    @Override
    public void allow(String backend, String server) {
        expectEmpty("set server " + backend + "/" + server + " weight 100%");
        expectEmpty("set server " + backend + "/" + server + " state ready");
    }

    @Override
    public void weight(String backend, String server, int weight) {
        expectEmpty("set server " + backend + "/" + server + " weight " + Math.max(0, Math.min(256, weight)));
        expectEmpty("set server " + backend + "/" + server + " state ready");
    }

    /** The server's current sessions (the {@code scur} column of {@code show stat}). */
    public int sessions(String backend, String server) {
        Map<String, String> row = stat(backend).get(server);
        if (row == null) {
            throw new IllegalStateException("HAProxy has no server " + backend + "/" + server);
        }
        return Integer.parseInt(row.getOrDefault("scur", "0").isEmpty() ? "0" : row.get("scur"));
    }

    @Override
    public Map<String, String> servers(String backend) {
        Map<String, String> states = new LinkedHashMap<>();
        stat(backend).forEach((server, row) -> states.put(server, row.get("status") + " weight " + row.get("weight")));
        return states;
    }

    /** {@code show stat} rows of one backend's servers, by server name, each column by its header name. */
    Map<String, Map<String, String>> stat(String backend) {
        String csv = command("show stat");
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            throw new IllegalStateException("HAProxy answered 'show stat' with: " + csv.strip());
        }
        List<String> header = List.of(lines[0].substring(2).split(",", -1));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            if (cells.length < 2 || !cells[0].equals(backend) || cells[1].equals("BACKEND") || cells[1].equals("FRONTEND")) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < Math.min(cells.length, header.size()); c++) {
                row.put(header.get(c), cells[c]);
            }
            rows.put(cells[1], row);
        }
        return rows;
    }
}
