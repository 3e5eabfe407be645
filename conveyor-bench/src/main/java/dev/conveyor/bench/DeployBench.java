package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.agent.CaBundle;
import dev.conveyor.agent.RequestSigner;
import dev.conveyor.agent.deploy.DeployAgent;
import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.deploy.engine.DeploySettings;
import dev.conveyor.deploy.haproxy.HaproxyRuntime;
import dev.conveyor.deploy.haproxy.LoopbackHaproxy;
import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.server.deploy.DeployEndpoint;
import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestSigner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What CodeDeploy-style deployments cost beyond the hooks' own time, in-process (embedded database, the server's
 * deployment runner) with {@code conveyor agent} deploy agents in the same process and a real HAProxy (Debian's
 * package) as a child process on loopback:
 * <ul>
 *   <li>in place with traffic control over N hosts, one at a time (N batches) and all at once (one batch), with hooks
 *       that do nothing and hooks that each sleep a known time: per host, a target's first lifecycle event's start to
 *       its last one's end less the hooks' sleeps; per batch, the deployment's create → complete time divided by its
 *       batches, less one host's hook sleeps;</li>
 *   <li>blue/green with a canary: the time from the runner starting the final traffic shift (the replacement
 *       targets' AllowTraffic event starts) to HAProxy's stats socket showing the new weights (every original server
 *       at weight 0, every replacement server in rotation), with {@code show stat} polled every millisecond.</li>
 * </ul>
 * Writes the {@code deployments} section of docs/benchmarks.md with {@code --report FILE}.
 */
public final class DeployBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BACKEND = "bench-web";
    private static final String APPLICATION = "bench";
    /** Hook events of a host's in-place deployment after the first: ApplicationStop (the previous revision's), BeforeInstall, AfterInstall, ApplicationStart, ValidateService. */
    private static final int HOOKS_PER_HOST = 5;

    private final ConveyorServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> hosts;

    private DeployBench(ConveyorServer server, List<String> hosts) {
        this.server = server;
        this.hosts = hosts;
    }

    /** One in-place scenario's figures, milliseconds per run. */
    record InPlace(String group, String hooks, int batches, double[] total, double[] perHost, double[] perBatch) {
    }

    public static void main(String[] args) throws Exception {
        List<String> argv = Arrays.asList(args);
        String report = argv.contains("--report") ? argv.get(argv.indexOf("--report") + 1) : null;
        int runs = argv.contains("--runs") ? Integer.parseInt(argv.get(argv.indexOf("--runs") + 1)) : 10;
        int hostCount = argv.contains("--hosts") ? Integer.parseInt(argv.get(argv.indexOf("--hosts") + 1)) : 4;
        int sleepMillis = argv.contains("--sleep-ms") ? Integer.parseInt(argv.get(argv.indexOf("--sleep-ms") + 1)) : 200;
        MachineInfo machine = MachineInfo.collect();
        Path work = Files.createTempDirectory("conveyor-deploy-bench-");
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i <= hostCount; i++) {
            hosts.add("host-" + i);
        }
        List<LoopbackHaproxy.Server> servers = new ArrayList<>();
        for (String host : hosts) {
            servers.add(new LoopbackHaproxy.Server(host, LoopbackHaproxy.freePort(), false)); // enabled by the deployments
        }
        LoopbackHaproxy haproxy = LoopbackHaproxy.start(work.resolve("haproxy"), work.resolve("haproxy").resolve("admin.sock"), BACKEND, servers);
        List<DeployAgent> agents = new ArrayList<>();
        List<InPlace> inPlace = new ArrayList<>();
        double[] shift;
        try (ConveyorServer server = new ConveyorServer(ServerConfig.embedded(work.resolve("data"), 0).withAuth(
                ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)))
                .deployments(new DeployEndpoint.Options(work.resolve("haproxy").resolve("admin.sock"),
                        DeploySettings.defaults().withSecondsPerMinute(1))).start()) {
            RequestSigner signer = new RequestSigner(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                            TestCredentials.SECRET_ACCESS_KEY)), "us-east-1");
            for (int i = 0; i < hosts.size(); i++) {
                agents.add(new DeployAgent(URI.create(server.endpoint()), CaBundle.system(), signer, hosts.get(i),
                        Map.of("app", APPLICATION, "color", i % 2 == 0 ? "a" : "b"), work.resolve("hosts").resolve(hosts.get(i))).start());
            }
            DeployBench bench = new DeployBench(server, hosts);
            bench.setUp(work, sleepMillis);
            for (String group : List.of("one-at-a-time", "all-at-once")) {
                for (String hooks : List.of("noop", "sleep")) {
                    inPlace.add(bench.inPlace(group, hooks, hooks.equals("sleep") ? sleepMillis : 0, runs));
                }
            }
            shift = bench.shifts(work.resolve("haproxy").resolve("admin.sock"), runs);
            agents.forEach(DeployAgent::close); // before the server closes, so they do not poll a closed server
        } finally {
            agents.forEach(DeployAgent::close);
            haproxy.close();
        }
        InPlace oneNoop = inPlace.get(0);
        Targets.record("deploy.host", percentile(oneNoop.perHost(), 50), "in place, one at a time, hooks that do nothing");
        Targets.record("deploy.batch", percentile(oneNoop.perBatch(), 50), "in place, one at a time, hooks that do nothing");
        Targets.record("deploy.shift", percentile(shift, 50), "blue/green, final shift → HAProxy's stats show it");
        String section = section(machine, inPlace, shift, runs, hostCount, sleepMillis);
        System.out.println(section);
        if (report != null) {
            new ReportWriter(Path.of(report)).replaceSections(Map.of("deployments", section));
        }
        System.exit(0);
    }

    private void setUp(Path work, int sleepMillis) throws Exception {
        server.objects().createBucket("bench-releases");
        for (String hooks : List.of("noop", "sleep")) {
            for (int version = 1; version <= 2; version++) {
                String script = hooks.equals("noop") ? "#!/bin/sh\nexit 0\n"
                        : "#!/bin/sh\nsleep " + String.format(Locale.ROOT, "%.3f", sleepMillis / 1000.0) + "\n";
                bundle(work, hooks + "-v" + version, script + "# version " + version + "\n");
            }
        }
        call("CreateApplication", "{\"applicationName\":\"" + APPLICATION + "\",\"computePlatform\":\"Server\"}");
        group("one-at-a-time", "IN_PLACE", "CodeDeployDefault.OneAtATime", "");
        group("all-at-once", "IN_PLACE", "CodeDeployDefault.AllAtOnce", "");
        call("CreateDeploymentConfig", """
                {"deploymentConfigName":"BenchCanary","computePlatform":"Server",
                 "trafficRoutingConfig":{"type":"TimeBasedCanary","timeBasedCanary":{"canaryPercentage":10,"canaryInterval":1}}}""");
        group("blue-green", "BLUE_GREEN", "BenchCanary", """
                ,"blueGreenDeploymentConfiguration":{"greenFleetProvisioningOption":{"action":"DISCOVER_EXISTING"},
                  "deploymentReadyOption":{"actionOnTimeout":"CONTINUE_DEPLOYMENT"},
                  "terminateBlueInstancesOnDeploymentSuccess":{"action":"KEEP_ALIVE"}}""");
        Instant until = Instant.now().plusSeconds(60);
        while (call("ListOnPremisesInstances", "{\"registrationStatus\":\"Registered\"}").path("instanceNames").size() < hosts.size()) {
            if (Instant.now().isAfter(until)) {
                throw new IllegalStateException("the deploy agents did not register within 60 s");
            }
            Thread.sleep(50);
        }
        // Every host gets a first release (the later ones then run its ApplicationStop) and is enabled in HAProxy.
        awaitEnd(deploy("all-at-once", "noop-v1", null));
    }

    /** A revision: appspec.yml whose five hooks run {@code script}. */
    private void bundle(Path work, String name, String script) throws IOException {
        Path dir = Files.createDirectories(work.resolve("bundles").resolve(name));
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("scripts/hook.sh"), script);
        dir.resolve("scripts/hook.sh").toFile().setExecutable(true);
        StringBuilder appspec = new StringBuilder("version: 0.0\nos: linux\nhooks:\n");
        for (String event : List.of("ApplicationStop", "BeforeInstall", "AfterInstall", "ApplicationStart", "ValidateService")) {
            appspec.append("  ").append(event).append(":\n    - location: scripts/hook.sh\n      timeout: 60\n");
        }
        Files.writeString(dir.resolve("appspec.yml"), appspec);
        Path zip = work.resolve("bundles").resolve(name + ".zip");
        ZipArchives.zip(dir, zip);
        try (InputStream in = Files.newInputStream(zip)) {
            server.objects().putObject("bench-releases", name + ".zip", ObjectWrite.plain().withLength(Files.size(zip)), in);
        }
    }

    private void group(String name, String type, String config, String extra) throws Exception {
        call("CreateDeploymentGroup", """
                {"applicationName":"%s","deploymentGroupName":"%s","serviceRoleArn":"arn:aws:iam::000000000000:role/bench",
                 "deploymentConfigName":"%s",
                 "onPremisesInstanceTagFilters":[{"Key":"app","Value":"%s","Type":"KEY_AND_VALUE"}],
                 "deploymentStyle":{"deploymentType":"%s","deploymentOption":"WITH_TRAFFIC_CONTROL"},
                 "loadBalancerInfo":{"targetGroupInfoList":[{"name":"%s"}]}%s}""".formatted(APPLICATION, name, config, APPLICATION, type,
                BACKEND, extra));
    }

    private String deploy(String group, String revision, String greenColor) throws Exception {
        ObjectNode input = JSON.createObjectNode().put("applicationName", APPLICATION).put("deploymentGroupName", group);
        input.putObject("revision").put("revisionType", "S3").putObject("s3Location").put("bucket", "bench-releases")
                .put("key", revision + ".zip").put("bundleType", "zip");
        if (greenColor != null) {
            input.putObject("targetInstances").putArray("tagFilters").addObject().put("Key", "color").put("Value", greenColor)
                    .put("Type", "KEY_AND_VALUE");
        }
        return call("CreateDeployment", input.toString()).path("deploymentId").asText();
    }

    private JsonNode awaitEnd(String id) throws Exception {
        Instant until = Instant.now().plusSeconds(300);
        while (true) {
            JsonNode info = call("GetDeployment", "{\"deploymentId\":\"" + id + "\"}").path("deploymentInfo");
            String status = info.path("status").asText();
            if (status.equals("Succeeded")) {
                return info;
            }
            if (List.of("Failed", "Stopped").contains(status) || Instant.now().isAfter(until)) {
                throw new IllegalStateException("deployment " + id + " ended " + status + ": " + info);
            }
            Thread.sleep(20);
        }
    }

    /** Each target's lifecycle events, by instance. */
    private Map<String, JsonNode> targets(String id) throws Exception {
        ObjectNode input = JSON.createObjectNode().put("deploymentId", id);
        hosts.forEach(input.putArray("targetIds")::add);
        Map<String, JsonNode> events = new java.util.TreeMap<>();
        for (JsonNode t : call("BatchGetDeploymentTargets", input.toString()).path("deploymentTargets")) {
            events.put(t.path("instanceTarget").path("targetId").asText(), t.path("instanceTarget").path("lifecycleEvents"));
        }
        return events;
    }

    private InPlace inPlace(String group, String hooks, int sleepMillis, int runs) throws Exception {
        int batches = group.equals("one-at-a-time") ? hosts.size() : 1;
        double hookMillisPerHost = HOOKS_PER_HOST * (double) sleepMillis;
        awaitEnd(deploy(group, hooks + "-v2", null)); // warm-up, and the previous revision's hooks are of this kind too
        double[] total = new double[runs];
        double[] perHost = new double[runs];
        double[] perBatch = new double[runs];
        for (int i = 0; i < runs; i++) {
            String id = deploy(group, hooks + "-v" + (i % 2 + 1), null);
            JsonNode info = awaitEnd(id);
            total[i] = (info.path("completeTime").asDouble() - info.path("createTime").asDouble()) * 1000;
            double[] hostMillis = targets(id).values().stream().mapToDouble(events -> {
                double start = Double.MAX_VALUE;
                double end = 0;
                for (JsonNode e : events) {
                    if (e.has("startTime")) {
                        start = Math.min(start, e.path("startTime").asDouble());
                    }
                    if (e.has("endTime")) {
                        end = Math.max(end, e.path("endTime").asDouble());
                    }
                }
                return (end - start) * 1000 - hookMillisPerHost;
            }).toArray();
            perHost[i] = percentile(hostMillis, 50);
            perBatch[i] = (total[i] - batches * hookMillisPerHost) / batches;
        }
        System.out.printf(Locale.ROOT, "deploy %s, %s hooks: %.0f ms per deployment, overhead %.1f ms per host, %.1f ms per batch (p50)%n",
                group, hooks, percentile(total, 50), percentile(perHost, 50), percentile(perBatch, 50));
        return new InPlace(group, hooks, batches, total, perHost, perBatch);
    }

    /**
     * Blue/green canary deployments, the replacement fleet alternating between the two colours: for each, the time
     * from the final shift's start (the replacement targets' AllowTraffic start, as the runner recorded it) to the
     * first {@code show stat} in which every original server has weight 0 and every replacement server is in rotation.
     */
    private double[] shifts(Path socket, int runs) throws Exception {
        HaproxyRuntime haproxy = new HaproxyRuntime(socket);
        double[] latency = new double[runs];
        for (int i = -1; i < runs; i++) { // run -1: warm-up
            String green = (i & 1) == 0 ? "a" : "b";
            List<String> replacement = new ArrayList<>();
            List<String> original = new ArrayList<>();
            for (int h = 0; h < hosts.size(); h++) {
                (((h % 2 == 0) ? "a" : "b").equals(green) ? replacement : original).add(hosts.get(h));
            }
            String id = deploy("blue-green", "noop-v" + ((i & 1) + 1), green);
            long servedAt = 0;
            long statusCheckedAt = System.nanoTime();
            boolean servedBefore = false;
            while (true) {
                Map<String, String> servers = haproxy.servers(BACKEND);
                boolean served = original.stream().allMatch(s -> weight(servers.get(s)) == 0)
                        && replacement.stream().allMatch(s -> weight(servers.get(s)) > 0 && !servers.get(s).startsWith("MAINT"));
                if (served && !servedBefore) {
                    servedAt = System.currentTimeMillis(); // the latest moment the new weights appeared
                }
                servedBefore = served;
                if (System.nanoTime() - statusCheckedAt > 50_000_000L) { // the deployment's status: every 50 ms, not every poll
                    statusCheckedAt = System.nanoTime();
                    String status = call("GetDeployment", "{\"deploymentId\":\"" + id + "\"}").path("deploymentInfo").path("status").asText();
                    if (status.equals("Succeeded")) {
                        break;
                    }
                    if (List.of("Failed", "Stopped").contains(status)) {
                        throw new IllegalStateException("blue/green deployment " + id + " ended " + status);
                    }
                }
                Thread.sleep(1);
            }
            double shiftStart = Double.MAX_VALUE;
            Map<String, JsonNode> events = targets(id);
            for (String g : replacement) {
                for (JsonNode e : events.get(g)) {
                    if (e.path("lifecycleEventName").asText().equals("AllowTraffic")) {
                        shiftStart = Math.min(shiftStart, e.path("startTime").asDouble());
                    }
                }
            }
            if (i >= 0) {
                latency[i] = servedAt - shiftStart * 1000;
            }
        }
        System.out.printf(Locale.ROOT, "deploy blue/green: final shift → HAProxy serving the new weights %.1f ms (p50), %.1f ms (max)%n",
                percentile(latency, 50), Arrays.stream(latency).max().orElse(0));
        return latency;
    }

    /** The weight in a {@link HaproxyRuntime#servers} state, e.g. {@code UP weight 100} → 100. */
    private static int weight(String state) {
        if (state == null) {
            return -1;
        }
        int at = state.lastIndexOf("weight ");
        return at < 0 ? -1 : Integer.parseInt(state.substring(at + "weight ".length()).strip());
    }

    private JsonNode call(String operation, String body) throws Exception {
        HttpResponse<String> response = http.send(TestSigner.request("POST", URI.create(server.endpoint() + "/"),
                Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "CodeDeploy_20141006." + operation),
                body.getBytes(StandardCharsets.UTF_8), "codedeploy").timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(operation + " failed: " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }

    private static String triple(double[] values) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", percentile(values, 50), percentile(values, 90),
                Arrays.stream(values).max().orElse(0));
    }

    private static String section(MachineInfo machine, List<InPlace> inPlace, double[] shift, int runs, int hosts, int sleepMillis) {
        StringBuilder s = new StringBuilder();
        s.append("Measured ").append(machine.date()).append(" on ").append(machine.cores()).append(" cores / ")
                .append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / 1073741824.0)).append(" with ")
                .append(machine.jdk()).append(" (load average at start: ").append(machine.loadAverageAtStart())
                .append("; the machine is shared with other work, so these are upper bounds).\n\n");
        s.append("Reproduce: `mvn -q -DskipTests install && mvn -q -f conveyor-bench/pom.xml package && java -cp "
                + "\"conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*\" dev.conveyor.bench.DeployBench "
                + "--report docs/benchmarks.md` (about two minutes; needs Debian's haproxy).\n\n");
        s.append("In-process server (embedded database), ").append(hosts).append(" deploy agents in the same process, a real HAProxy ")
                .append("on loopback; deployments in place with traffic control (each host drained and disabled, installed, ")
                .append("validated, enabled), ").append(runs).append(" runs each after a warm-up. A host runs five hooks ")
                .append("(ApplicationStop, BeforeInstall, AfterInstall, ApplicationStart, ValidateService): shell scripts that exit ")
                .append("at once, or that sleep ").append(sleepMillis).append(" ms each. *Overhead per host*: a target's first ")
                .append("lifecycle event's start to its last one's end, less its hooks' sleeps; *per batch*: the deployment's ")
                .append("create → complete time ÷ its batches, less one host's sleeps. Milliseconds, p50 / p90 / max:\n\n");
        s.append("| Deployment | Hooks | Create → complete | Overhead per host | Overhead per batch |\n|---|---|---:|---:|---:|\n");
        for (InPlace f : inPlace) {
            s.append("| ").append(f.group().equals("one-at-a-time") ? "OneAtATime (" + f.batches() + " batches of 1)"
                            : "AllAtOnce (1 batch of " + hosts + ")").append(" | ")
                    .append(f.hooks().equals("noop") ? "do nothing" : "sleep " + sleepMillis + " ms each").append(" | ")
                    .append(triple(f.total())).append(" | ").append(triple(f.perHost())).append(" | ").append(triple(f.perBatch())).append(" |\n");
        }
        s.append("\nShift to served: blue/green deployments (two replacement hosts, two original, `TimeBasedCanary` 10 % then all), ")
                .append("from the final shift's start (the replacement targets' AllowTraffic start as the runner recorded it, ")
                .append("before its runtime API calls) to the first `show stat` (polled every millisecond) in which every original ")
                .append("server has weight 0 and every replacement server is in rotation: **")
                .append(triple(shift)).append(" ms** (p50 / p90 / max over ").append(runs).append(" deployments).\n\n")
                .append("Where the overhead is likely to go (read from the design, not profiled): the runner looks at a running ")
                .append("step's commands every 100 ms (`DeploySettings.poll`) and agents poll for commands every 250 ms, so each RUN ")
                .append("step and each batch may wait up to those intervals; every lifecycle event is two reports to the server, each ")
                .append("committed; the load balancer steps are a few runtime API calls plus, when blocking, the wait for the ")
                .append("server's sessions to reach 0 (none here: no traffic). Hooks that take time raise the overhead too (more ")
                .append("heartbeats and polls while they run, and more variance on a loaded machine).\n");
        return s.toString();
    }
}
