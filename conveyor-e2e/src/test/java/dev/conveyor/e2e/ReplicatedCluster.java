package dev.conveyor.e2e;

import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several {@code conveyor server} replicas as processes on one PostgreSQL database and one S3-compatible store
 * (S3Proxy, filesystem-backed, its own process), behind HAProxy (its own process) which checks {@code /readyz}:
 * the deployment of docs/operations.md, on loopback. Clients and agents are given {@link #endpoint()}, HAProxy's.
 */
final class ReplicatedCluster implements AutoCloseable {
    static final String ACCESS_KEY = dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID;
    static final String SECRET_KEY = dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY;

    private final Path work;
    private final String databaseUrl;
    private final int[] ports;
    private final ConveyorProcess[] replicas;
    private final int balancerPort;
    private final int statsPort;
    private final Process s3proxy;
    private final String s3Endpoint;
    private Process haproxy;

    ReplicatedCluster(Path work, int size) throws Exception {
        ConveyorProcess.requireCommand("haproxy");
        this.work = work;
        this.databaseUrl = TestDatabases.freshUrl("postgresql");
        this.ports = new int[size];
        for (int i = 0; i < size; i++) {
            ports[i] = freePort();
        }
        this.replicas = new ConveyorProcess[size];
        this.balancerPort = freePort();
        this.statsPort = freePort();
        int s3Port = freePort();
        this.s3Endpoint = "http://127.0.0.1:" + s3Port;
        this.s3proxy = startS3Proxy(s3Port);
        try {
            for (int i = 0; i < size; i++) {
                startReplica(i);
            }
            startHaproxy();
            awaitAllReady();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /** HAProxy's address: the only one clients and agents are given. */
    String endpoint() {
        return "http://127.0.0.1:" + balancerPort;
    }

    /** A replica's own address (for checks that must name one replica). */
    String replicaEndpoint(int i) {
        return "http://127.0.0.1:" + ports[i];
    }

    ConveyorProcess replica(int i) {
        return replicas[i];
    }

    int size() {
        return replicas.length;
    }

    void startReplica(int i) throws Exception {
        replicas[i] = ConveyorProcess.startOnPort(Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                        "AWS_REGION", "us-east-1", "AWS_CONFIG_FILE", work.resolve("no-config").toString(),
                        // every replica has the same administrator: the test key pair its clients and agents sign with
                        "CONVEYOR_ADMIN_ACCESS_KEY_ID", ACCESS_KEY, "CONVEYOR_ADMIN_SECRET_ACCESS_KEY", SECRET_KEY),
                work.resolve("replica-" + i), ports[i],
                "--database", databaseUrl, "--artifact-endpoint", s3Endpoint, "--public-url", endpoint(), "--no-embedded-agent",
                "--lease-seconds", "5", "--drain-seconds", "8", "--job-acknowledge-timeout-seconds", "10");
    }

    /** SIGKILL: the replica dies at once, with whatever it was doing. */
    void kill(int i) throws InterruptedException {
        replicas[i].kill();
    }

    /** SIGTERM: the replica drains and stops. */
    int terminate(int i) throws InterruptedException {
        return replicas[i].terminate();
    }

    /** Until HAProxy routes to every replica (each answered its readiness check). */
    void awaitAllReady() {
        Await.await(this::serversUp, up -> up == replicas.length, Duration.ofSeconds(30), "HAProxy to see every replica ready");
    }

    /** How many servers HAProxy sends requests to, from its stats socket. */
    int serversUp() {
        try {
            String stats;
            try (var in = java.net.URI.create("http://127.0.0.1:" + statsPort + "/stats;csv").toURL().openStream()) {
                stats = new String(in.readAllBytes());
            }
            int up = 0;
            for (String line : stats.split("\n")) {
                String[] f = line.split(",");
                if (f.length > 17 && f[0].equals("replicas") && f[1].startsWith("r") && f[17].equals("UP")) {
                    up++;
                }
            }
            return up;
        } catch (IOException e) {
            return -1;
        }
    }

    private Process startS3Proxy(int port) throws Exception {
        Path dir = Files.createDirectories(work.resolve("s3proxy-data"));
        Path properties = work.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=none",
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir) + "\n");
        String jar = System.getProperty("conveyor.s3proxy.jar");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", jar, "--properties", properties.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("s3proxy.log").toFile()).start();
        Await.await(() -> accepts(port), ok -> ok, Duration.ofSeconds(60), "S3Proxy to listen on " + port);
        return process;
    }

    private void startHaproxy() throws Exception {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            servers.add("  server r" + (i + 1) + " 127.0.0.1:" + ports[i] + " check");
        }
        Path config = work.resolve("haproxy.cfg");
        Files.writeString(config, HaproxyConfig.render(balancerPort, statsPort, servers));
        haproxy = new ProcessBuilder("haproxy", "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("haproxy.log").toFile()).start();
        Await.await(() -> accepts(balancerPort), ok -> ok, Duration.ofSeconds(20), "HAProxy to listen");
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The replicas' output, for a failure message. */
    String outputs() {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < replicas.length; i++) {
            if (replicas[i] != null) {
                String out = replicas[i].output();
                all.append("--- replica ").append(i).append('\n').append(out, Math.max(0, out.length() - 6000), out.length()).append('\n');
            }
        }
        return all.toString();
    }

    @Override
    public void close() {
        if (haproxy != null) {
            haproxy.destroyForcibly();
        }
        for (ConveyorProcess replica : replicas) {
            if (replica != null) {
                replica.close();
            }
        }
        s3proxy.destroyForcibly();
    }
}
