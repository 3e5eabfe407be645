package dev.conveyor.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.conveyor.agent.CaBundle;
import dev.conveyor.agent.RequestSigner;
import dev.conveyor.agent.deploy.DeployAgent;
import dev.conveyor.deploy.haproxy.LoopbackHaproxy;
import dev.conveyor.server.ConveyorServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's deploy targets when HAProxy is installed: a demo HAProxy on loopback (started with {@code haproxy -db} as
 * a child of the server, its runtime API socket given to the server as {@code --haproxy-socket}) in front of two demo
 * hosts, each an application instance (a small HTTP server serving the host's deployed release) and an in-process
 * {@code conveyor agent} deploy agent registered as an on-premises instance. The demo pipeline's
 * {@code Deploy/AWS/CodeDeploy} action deploys the build to them in place, one host at a time, each drained in
 * HAProxy while it is installed. Without HAProxy on the PATH there are no demo hosts and the pipeline deploys locally
 * only ({@link #unavailableReason}).
 */
public final class DemoHosts implements AutoCloseable {
    public static final String APPLICATION = "conveyor-demo";
    public static final String GROUP = "demo-hosts";
    /** The HAProxy backend (the deployment group's target group) the hosts are servers of. */
    public static final String BACKEND = "conveyor-demo-web";
    public static final List<String> HOSTS = List.of("demo-host-1", "demo-host-2");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final LoopbackHaproxy haproxy;
    private final List<Integer> appPorts;
    private final List<HttpServer> apps = new ArrayList<>();
    private final List<DeployAgent> agents = new ArrayList<>();

    private DemoHosts(Path root, LoopbackHaproxy haproxy, List<Integer> appPorts) {
        this.root = root;
        this.haproxy = haproxy;
        this.appPorts = appPorts;
    }

    /** Why the demo has no hosts behind HAProxy on this machine (HAProxy is not on the PATH), or empty when it can. */
    public static Optional<String> unavailableReason() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "haproxy"))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of("HAProxy is not installed (no haproxy on the PATH): the demo's Deploy stage deploys locally only, "
                + "without its CodeDeploy action to demo hosts behind HAProxy (apt-get install haproxy, then start the demo on a new "
                + "--data-dir)");
    }

    /** Where the demo hosts of a server with {@code dataDir} live: {@code <data-dir>/demo-hosts/<host>/}. */
    public static Path root(Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve("demo-hosts");
    }

    /**
     * Starts the demo HAProxy (before the server, which is given its socket). Hosts that have a release already (a
     * restart) are enabled in it, the others start disabled until a deployment enables them.
     *
     * @throws IllegalStateException when HAProxy does not start (its output says why)
     */
    public static DemoHosts startHaproxy(Path dataDir) throws IOException, InterruptedException {
        Path root = Files.createDirectories(root(dataDir));
        // A Unix socket's path has at most 107 bytes: a deep data directory gets one under the temporary directory.
        Path socket = root.resolve("haproxy.sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > 100) {
            socket = Files.createTempDirectory("conveyor-demo-haproxy-").resolve("haproxy.sock");
        }
        List<Integer> ports = new ArrayList<>();
        List<LoopbackHaproxy.Server> servers = new ArrayList<>();
        for (String host : HOSTS) {
            int port = LoopbackHaproxy.freePort();
            ports.add(port);
            servers.add(new LoopbackHaproxy.Server(host, port, Files.exists(appDir(root, host).resolve("current"))));
        }
        LoopbackHaproxy haproxy;
        try {
            haproxy = LoopbackHaproxy.start(root, socket, BACKEND, servers);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the demo's " + e.getMessage(), e);
        }
        return new DemoHosts(root, haproxy, List.copyOf(ports));
    }

    /** The runtime API socket the server drives the demo HAProxy through. */
    public Path socket() {
        return haproxy.socket();
    }

    /** Where HAProxy serves the demo hosts, e.g. {@code http://127.0.0.1:34567}. */
    public String url() {
        return haproxy.url();
    }

    private static Path appDir(Path root, String host) {
        return root.resolve(host).resolve("app");
    }

    /**
     * Starts the hosts' application instances and deploy agents against {@code server} (signed as {@code signer}), and
     * makes the CodeDeploy application and deployment group they are deployed by, unless they exist; returns once both
     * hosts are registered on-premises instances.
     */
    public DemoHosts attach(ConveyorServer server, RequestSigner signer) throws IOException, InterruptedException {
        for (int i = 0; i < HOSTS.size(); i++) {
            String host = HOSTS.get(i);
            Path app = Files.createDirectories(appDir(root, host));
            apps.add(application(host, app, appPorts.get(i)));
            agents.add(new DeployAgent(URI.create(server.endpoint()), CaBundle.system(), signer, host, Map.of("app", APPLICATION),
                    root.resolve(host).resolve("agent"), Map.of("DEMO_HOST", host, "DEMO_APP_DIR", app.toString(),
                    "DEMO_APP_PORT", Integer.toString(appPorts.get(i)))).start());
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            ObjectNode application = JSON.createObjectNode().put("applicationName", APPLICATION).put("computePlatform", "Server");
            createUnlessExists(http, server, signer, "CreateApplication", application, "ApplicationAlreadyExistsException");
            ObjectNode group = JSON.createObjectNode().put("applicationName", APPLICATION).put("deploymentGroupName", GROUP)
                    .put("serviceRoleArn", "arn:aws:iam::000000000000:role/conveyor-demo")
                    .put("deploymentConfigName", "CodeDeployDefault.OneAtATime");
            group.putArray("onPremisesInstanceTagFilters").addObject().put("Key", "app").put("Value", APPLICATION).put("Type", "KEY_AND_VALUE");
            group.putObject("deploymentStyle").put("deploymentType", "IN_PLACE").put("deploymentOption", "WITH_TRAFFIC_CONTROL");
            group.putObject("loadBalancerInfo").putArray("targetGroupInfoList").addObject().put("name", BACKEND);
            group.putObject("autoRollbackConfiguration").put("enabled", true).putArray("events").add("DEPLOYMENT_FAILURE");
            createUnlessExists(http, server, signer, "CreateDeploymentGroup", group, "DeploymentGroupAlreadyExistsException");
            awaitRegistered(http, server, signer);
        }
        return this;
    }

    private static void createUnlessExists(HttpClient http, ConveyorServer server, RequestSigner signer, String operation, JsonNode input,
                                           String exists) throws IOException, InterruptedException {
        HttpResponse<String> answer = DemoPipeline.call(http, server, signer, "CodeDeploy_20141006", "codedeploy", operation, input);
        if (answer.statusCode() != 200 && !answer.body().contains(exists)) {
            throw new IllegalStateException("the demo's " + operation + " was refused: " + answer.body());
        }
    }

    private static void awaitRegistered(HttpClient http, ConveyorServer server, RequestSigner signer) throws IOException, InterruptedException {
        Instant until = Instant.now().plusSeconds(30);
        ObjectNode input = JSON.createObjectNode().put("registrationStatus", "Registered");
        input.putArray("tagFilters").addObject().put("Key", "app").put("Value", APPLICATION).put("Type", "KEY_AND_VALUE");
        while (true) {
            HttpResponse<String> answer = DemoPipeline.call(http, server, signer, "CodeDeploy_20141006", "codedeploy", "ListOnPremisesInstances", input);
            if (answer.statusCode() == 200) {
                List<String> names = new ArrayList<>();
                JSON.readTree(answer.body()).path("instanceNames").forEach(n -> names.add(n.asText()));
                if (names.containsAll(HOSTS)) {
                    return;
                }
            }
            if (Instant.now().isAfter(until)) {
                throw new IllegalStateException("the demo hosts did not register as on-premises instances within 30 s: " + answer.body());
            }
            Thread.sleep(100);
        }
    }

    /**
     * A host's application instance: {@code GET /} answers which release the host serves (its {@code VERSION}) and
     * the greeting of its {@code greet.sh}'s default, other paths the release's files; 503 while nothing is deployed.
     */
    private static HttpServer application(String host, Path app, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", exchange -> {
            try (exchange) {
                Path current = app.resolve("current");
                String path = exchange.getRequestURI().getPath();
                if (!Files.exists(current.resolve("VERSION"))) {
                    respond(exchange, 503, "nothing is deployed on " + host + " yet\n");
                } else if (path.equals("/")) {
                    respond(exchange, 200, "conveyor-demo " + Files.readString(current.resolve("VERSION")).strip() + " on " + host + "\n");
                } else {
                    Path file = current.resolve(path.substring(1)).normalize();
                    if (file.startsWith(current) && Files.isRegularFile(file)) {
                        respond(exchange, 200, Files.readString(file));
                    } else {
                        respond(exchange, 404, "no " + path + " in the release on " + host + "\n");
                    }
                }
            }
        });
        server.setExecutor(task -> Thread.ofVirtual().start(task));
        server.start();
        return server;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        agents.forEach(DeployAgent::close);
        apps.forEach(a -> a.stop(0));
        haproxy.close();
    }

    /** For messages: the hosts and their application ports. */
    @Override
    public String toString() {
        return "demo hosts " + HOSTS + " on ports " + appPorts + " behind HAProxy at " + url();
    }
}
