package dev.conveyor.e2e;

import org.junit.jupiter.api.parallel.Isolated;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments end to end with real processes: HAProxy on loopback in front of four hosts, each a {@code conveyor agent}
 * registered as an on-premises instance running a small web application its hooks stop, install, start and validate;
 * the unmodified AWS CLI drives the server's CodeDeploy API. A bounded request load runs on HAProxy through every
 * deployment: no request may fail, and the versions served show the traffic moving as configured.
 *
 * <p>The tests share the fleet and run in order: each starts from the state the previous one left (documented per test).
 */
@Isolated("traffic shares per weight step are sampled by a load loop: other tests competing for the cores would thin the samples")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CodeDeployTest {
    private static final String BACKEND = "web";
    private static final Duration DEPLOYMENT_TIMEOUT = Duration.ofMinutes(3);
    private static final int WINDOW = 40;

    @TempDir
    static Path work; // static: made before @BeforeAll, kept for the whole class
    private Haproxy haproxy;
    private ConveyorProcess server;
    private DeployHosts hosts;
    private AwsCli aws;

    @BeforeAll
    void startFleet() throws Exception {
        List<String> names = List.of("host-1", "host-2", "host-3", "host-4");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            ports.add(Haproxy.freePort());
        }
        haproxy = Haproxy.start(work.resolve("haproxy"), BACKEND, names, ports);
        server = ConveyorProcess.start(work.resolve("data"), "--haproxy-socket", haproxy.socket().toString(),
                "--deploy-minute-seconds", "3", "--deploy-agent-timeout-seconds", "10");
        aws = new AwsCli(server.endpoint(), Files.createDirectories(work.resolve("cli")));
        hosts = new DeployHosts();
        for (int i = 0; i < names.size(); i++) {
            hosts.start(server.endpoint(), work.resolve("hosts"), names.get(i), ports.get(i),
                    Map.of("app", "web", "color", i < 2 ? "a" : "b"));
        }
        aws.succeed("s3", "mb", "s3://releases");
        for (String version : List.of("v1", "v2", "v4", "v5", "v6", "v7", "v9")) {
            aws.succeed("s3", "cp", DeployHosts.bundle(work.resolve("bundles"), version, true).toString(), "s3://releases/web-" + version + ".zip");
        }
        aws.succeed("s3", "cp", DeployHosts.bundle(work.resolve("bundles"), "v3", false).toString(), "s3://releases/web-v3.zip");
        aws.succeed("s3", "cp", DeployHosts.bundle(work.resolve("bundles"), "v8", false).toString(), "s3://releases/web-v8.zip");
        aws.ok("deploy", "create-application", "--application-name", "web", "--compute-platform", "Server");
        createGroup("inplace", """
                "deploymentStyle": {"deploymentType": "IN_PLACE", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
                "deploymentConfigName": "CodeDeployDefault.HalfAtATime",
                "autoRollbackConfiguration": {"enabled": true, "events": ["DEPLOYMENT_FAILURE"]}""");
        createGroup("bluegreen", """
                "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
                "deploymentConfigName": "CodeDeployDefault.AllAtOnce",
                "blueGreenDeploymentConfiguration": {
                  "greenFleetProvisioningOption": {"action": "DISCOVER_EXISTING"},
                  "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
                  "terminateBlueInstancesOnDeploymentSuccess": {"action": "KEEP_ALIVE"}}""");
        // Every agent registered itself with its tags.
        Instant until = Instant.now().plus(Duration.ofSeconds(90));
        while (aws.ok("deploy", "list-on-premises-instances", "--tag-filters", "Key=app,Value=web,Type=KEY_AND_VALUE")
                .path("instanceNames").size() < 4) {
            assertThat(Instant.now()).as("four agents registered").isBefore(until);
            Thread.sleep(250);
        }
        // The first release: nothing serves yet, so no load; every server is enabled once validated.
        String first = deploy("inplace", "v1");
        assertThat(awaitEnd(first).path("status").asText()).isEqualTo("Succeeded");
        assertThat(haproxy.statuses(BACKEND).values()).containsOnly("UP");
    }

    private void createGroup(String name, String settings) throws Exception {
        Path input = work.resolve("group-" + name + ".json");
        Files.writeString(input, """
                {"applicationName": "web", "deploymentGroupName": "%s",
                 "serviceRoleArn": "arn:aws:iam::000000000000:role/CodeDeployRole",
                 "onPremisesInstanceTagFilters": [{"Key": "app", "Value": "web", "Type": "KEY_AND_VALUE"}],
                 "loadBalancerInfo": {"targetGroupInfoList": [{"name": "%s"}]},
                 %s}""".formatted(name, BACKEND, settings));
        aws.ok("deploy", "create-deployment-group", "--cli-input-json", "file://" + input);
    }

    @AfterAll
    void stopFleet() throws Exception {
        if (hosts != null) {
            hosts.close();
        }
        if (server != null) {
            server.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
    }

    private String deploy(String group, String version, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("deploy", "create-deployment", "--application-name", "web", "--deployment-group-name", group,
                "--s3-location", "bucket=releases,key=web-" + version + ".zip,bundleType=zip"));
        args.addAll(List.of(extra));
        return aws.ok(args.toArray(String[]::new)).path("deploymentId").asText();
    }

    private JsonNode deployment(String id) throws Exception {
        return aws.ok("deploy", "get-deployment", "--deployment-id", id).path("deploymentInfo");
    }

    private JsonNode awaitEnd(String id) throws Exception {
        Instant until = Instant.now().plus(DEPLOYMENT_TIMEOUT);
        while (true) {
            JsonNode info = deployment(id);
            if (List.of("Succeeded", "Failed", "Stopped").contains(info.path("status").asText())) {
                return info;
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("deployment " + id + " did not end in " + DEPLOYMENT_TIMEOUT + ": " + info + "\n" + targets(id)
                        + "\n" + server.output());
            }
            Thread.sleep(250);
        }
    }

    private JsonNode targets(String id) throws Exception {
        JsonNode ids = aws.ok("deploy", "list-deployment-targets", "--deployment-id", id).path("targetIds");
        List<String> args = new ArrayList<>(List.of("deploy", "batch-get-deployment-targets", "--deployment-id", id, "--target-ids"));
        ids.forEach(t -> args.add(t.asText()));
        return aws.ok(args.toArray(String[]::new)).path("deploymentTargets");
    }

    /** The share (percent) of {@code version} among each window of {@value #WINDOW} consecutive samples. */
    private static List<Integer> shares(List<LoadLoop.Sample> samples, String version) {
        List<Integer> shares = new ArrayList<>();
        for (int from = 0; from + WINDOW <= samples.size(); from += WINDOW) {
            long hits = samples.subList(from, from + WINDOW).stream().filter(s -> version.equals(s.version())).count();
            shares.add((int) (hits * 100 / WINDOW));
        }
        return shares;
    }

    /** The index of the first run of {@code length} consecutive shares within [low, high] at or after {@code from}, or -1. */
    private static int plateau(List<Integer> shares, int from, int low, int high, int length) {
        int run = 0;
        for (int i = from; i < shares.size(); i++) {
            run = shares.get(i) >= low && shares.get(i) <= high ? run + 1 : 0;
            if (run == length) {
                return i - length + 1;
            }
        }
        return -1;
    }

    private Map<String, Integer> served(int requests) throws Exception {
        try (LoadLoop probe = LoadLoop.start(haproxy.url() + "/version", 1, requests)) {
            Instant until = Instant.now().plus(Duration.ofSeconds(30));
            while (probe.size() < requests && Instant.now().isBefore(until)) {
                Thread.sleep(20);
            }
            Map<String, Integer> counts = new TreeMap<>();
            for (LoadLoop.Sample s : probe.stop()) {
                counts.merge(s.version() == null ? "FAILED " + s.failure() : s.version(), 1, Integer::sum);
            }
            return counts;
        }
    }

    @Test
    @Order(1)
    void inPlaceWithTrafficControlDrainsEachBatchAndNoRequestFails() throws Exception {
        // From: all four hosts serve v1.
        List<LoadLoop.Sample> samples;
        String id;
        try (LoadLoop load = LoadLoop.start(haproxy.url() + "/version", 2, 50_000)) {
            Thread.sleep(500);
            id = deploy("inplace", "v2");
            JsonNode end = awaitEnd(id);
            assertThat(end.path("status").asText()).as(end.toString()).isEqualTo("Succeeded");
            Thread.sleep(500);
            samples = load.stop();
        }
        assertThat(samples.size()).isGreaterThan(200);
        assertThat(LoadLoopFailures.of(samples)).isEmpty();
        List<Integer> shares = shares(samples, "v2");
        // v1 only, then a mix while the first batch (two of four hosts) runs v2 and the second is drained, then v2 only.
        assertThat(shares.get(0)).isZero();
        assertThat(shares.get(shares.size() - 1)).isEqualTo(100);
        assertThat(plateau(shares, 0, 1, 99, 1)).as("a window serving both versions: %s", shares).isGreaterThanOrEqualTo(0);
        assertThat(served(100)).containsOnlyKeys("v2");

        JsonNode info = deployment(id);
        assertThat(info.path("deploymentOverview").path("Succeeded").asInt()).isEqualTo(4);
        assertThat(info.path("previousRevision").path("s3Location").path("key").asText()).isEqualTo("web-v1.zip");
        for (JsonNode target : targets(id)) {
            List<String> events = new ArrayList<>();
            target.path("instanceTarget").path("lifecycleEvents").forEach(e -> {
                events.add(e.path("lifecycleEventName").asText());
                assertThat(e.path("status").asText()).as(e.toString()).isEqualTo("Succeeded");
            });
            assertThat(events).containsExactly("BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic", "ApplicationStop", "DownloadBundle",
                    "BeforeInstall", "Install", "AfterInstall", "ApplicationStart", "ValidateService", "BeforeAllowTraffic", "AllowTraffic",
                    "AfterAllowTraffic");
        }
        // The hooks saw CodeDeploy's environment; ApplicationStop ran from the previous revision, before the install.
        String events = Files.readString(hosts.hosts().get(0).appHome().resolve("events.log"));
        assertThat(events).contains("ApplicationStop " + id + " web inplace ").contains("AfterInstall " + id + " web inplace ")
                .contains("ValidateService " + id + " web inplace ");
        assertThat(events.indexOf("ApplicationStop " + id)).isLessThan(events.indexOf("AfterInstall " + id));
    }

    @Test
    @Order(2)
    void aFailingValidateServiceRollsBackToTheLastGoodRevisionWithoutAFailedRequest() throws Exception {
        // From: all four serve v2. v3's ValidateService fails; OneAtATime fails the deployment at the first host.
        List<LoadLoop.Sample> samples;
        String id;
        JsonNode failed;
        JsonNode rollback;
        try (LoadLoop load = LoadLoop.start(haproxy.url() + "/version", 2, 50_000)) {
            Thread.sleep(300);
            id = deploy("inplace", "v3", "--deployment-config-name", "CodeDeployDefault.OneAtATime");
            failed = awaitEnd(id);
            String rollbackId = failed.path("rollbackInfo").path("rollbackDeploymentId").asText();
            assertThat(rollbackId).as(failed.toString()).startsWith("d-");
            rollback = awaitEnd(rollbackId);
            samples = load.stop();
        }
        assertThat(failed.path("status").asText()).isEqualTo("Failed");
        assertThat(failed.path("errorInformation").path("code").asText()).isEqualTo("HEALTH_CONSTRAINTS");
        assertThat(failed.path("errorInformation").path("message").asText()).contains("ValidateService").contains("health check failed");
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("Succeeded");
        assertThat(rollback.path("creator").asText()).isEqualTo("codeDeployRollback");
        assertThat(rollback.path("rollbackInfo").path("rollbackTriggeringDeploymentId").asText()).isEqualTo(id);
        assertThat(rollback.path("revision").path("s3Location").path("key").asText()).isEqualTo("web-v2.zip");
        assertThat(LoadLoopFailures.of(samples)).isEmpty();
        assertThat(samples.stream().filter(s -> "v3".equals(s.version())).count()).as("v3 never took traffic").isZero();
        assertThat(served(100)).containsOnlyKeys("v2");

        JsonNode host1 = null;
        for (JsonNode t : targets(id)) {
            if ("host-1".equals(t.path("instanceTarget").path("targetId").asText())) {
                host1 = t.path("instanceTarget");
            }
        }
        assertThat(host1.path("status").asText()).isEqualTo("Failed");
        JsonNode validate = null;
        for (JsonNode e : host1.path("lifecycleEvents")) {
            if ("ValidateService".equals(e.path("lifecycleEventName").asText())) {
                validate = e;
            }
        }
        assertThat(validate.path("status").asText()).isEqualTo("Failed");
        assertThat(validate.path("diagnostics").path("errorCode").asText()).isEqualTo("ScriptFailed");
        assertThat(validate.path("diagnostics").path("scriptName").asText()).isEqualTo("scripts/validate.sh");
        assertThat(validate.path("diagnostics").path("logTail").asText()).contains("health check failed");
        JsonNode list = aws.ok("deploy", "list-deployments", "--application-name", "web", "--deployment-group-name", "inplace");
        assertThat(list.path("deployments").toString()).contains(id).contains(failed.path("rollbackInfo").path("rollbackDeploymentId").asText());
    }

    @Test
    @Order(3)
    void blueGreenAllAtOnceMovesEveryRequestToTheReplacementFleet() throws Exception {
        // From: all four serve v2. Replacement fleet: color b (host-3, host-4).
        List<LoadLoop.Sample> samples;
        String id;
        try (LoadLoop load = LoadLoop.start(haproxy.url() + "/version", 2, 50_000)) {
            Thread.sleep(300);
            id = deploy("bluegreen", "v4", "--target-instances", "tagFilters=[{Key=color,Value=b,Type=KEY_AND_VALUE}]");
            JsonNode end = awaitEnd(id);
            assertThat(end.path("status").asText()).as(end.toString()).isEqualTo("Succeeded");
            Thread.sleep(300);
            samples = load.stop();
        }
        assertThat(LoadLoopFailures.of(samples)).isEmpty();
        List<Integer> shares = shares(samples, "v4");
        assertThat(shares.get(0)).isZero();
        assertThat(shares.get(shares.size() - 1)).isEqualTo(100);
        assertThat(served(100)).containsOnlyKeys("v4");
        assertThat(haproxy.statuses(BACKEND)).containsEntry("host-1", "MAINT").containsEntry("host-2", "MAINT")
                .containsEntry("host-3", "UP").containsEntry("host-4", "UP");
        Map<String, String> labels = new TreeMap<>();
        for (JsonNode t : targets(id)) {
            labels.put(t.path("instanceTarget").path("targetId").asText(), t.path("instanceTarget").path("instanceLabel").asText());
        }
        assertThat(labels).containsExactlyEntriesOf(new TreeMap<>(Map.of("host-1", "Blue", "host-2", "Blue", "host-3", "Green", "host-4", "Green")));
    }

    @Test
    @Order(4)
    void blueGreenCanaryServesTenPercentThenAll() throws Exception {
        // From: host-3 and host-4 serve v4 (host-1, host-2 disabled). Replacement fleet: color a. A "minute" is 3 s here.
        aws.ok("deploy", "create-deployment-config", "--deployment-config-name", "Canary10Percent1Minute", "--compute-platform", "Server",
                "--traffic-routing-config", "type=TimeBasedCanary,timeBasedCanary={canaryPercentage=10,canaryInterval=1}");
        List<LoadLoop.Sample> samples;
        try (LoadLoop load = LoadLoop.start(haproxy.url() + "/version", 2, 50_000)) {
            Thread.sleep(300);
            String id = deploy("bluegreen", "v5", "--target-instances", "tagFilters=[{Key=color,Value=a,Type=KEY_AND_VALUE}]",
                    "--deployment-config-name", "Canary10Percent1Minute");
            JsonNode end = awaitEnd(id);
            assertThat(end.path("status").asText()).as(end.toString()).isEqualTo("Succeeded");
            Thread.sleep(300);
            samples = load.stop();
        }
        assertThat(LoadLoopFailures.of(samples)).isEmpty();
        List<Integer> shares = shares(samples, "v5");
        assertThat(shares.get(0)).isZero();
        int canary = plateau(shares, 0, 2, 22, 3);
        assertThat(canary).as("about 10%% of requests on v5 for a while: %s", shares).isGreaterThanOrEqualTo(0);
        assertThat(plateau(shares, canary, 100, 100, 1)).as("then all: %s", shares).isGreaterThan(canary);
        assertThat(served(100)).containsOnlyKeys("v5");
    }

    @Test
    @Order(5)
    void blueGreenLinearMovesTrafficInEqualSteps() throws Exception {
        // From: host-1 and host-2 serve v5. Replacement fleet: color b. 25% more every "minute" (3 s).
        aws.ok("deploy", "create-deployment-config", "--deployment-config-name", "Linear25PercentEvery1Minute", "--compute-platform", "Server",
                "--traffic-routing-config", "type=TimeBasedLinear,timeBasedLinear={linearPercentage=25,linearInterval=1}");
        List<LoadLoop.Sample> samples;
        try (LoadLoop load = LoadLoop.start(haproxy.url() + "/version", 2, 50_000)) {
            Thread.sleep(300);
            String id = deploy("bluegreen", "v6", "--target-instances", "tagFilters=[{Key=color,Value=b,Type=KEY_AND_VALUE}]",
                    "--deployment-config-name", "Linear25PercentEvery1Minute");
            JsonNode end = awaitEnd(id);
            assertThat(end.path("status").asText()).as(end.toString()).isEqualTo("Succeeded");
            Thread.sleep(300);
            samples = load.stop();
        }
        assertThat(LoadLoopFailures.of(samples)).isEmpty();
        List<Integer> shares = shares(samples, "v6");
        int quarter = plateau(shares, 0, 12, 38, 3);
        int half = plateau(shares, Math.max(quarter, 0), 38, 62, 3);
        int threeQuarters = plateau(shares, Math.max(half, 0), 62, 88, 3);
        assertThat(List.of(quarter, half, threeQuarters)).as("25%%, 50%%, 75%% in order: %s", shares).doesNotContain(-1);
        assertThat(quarter).isLessThan(half);
        assertThat(half).isLessThan(threeQuarters);
        assertThat(shares.get(shares.size() - 1)).isEqualTo(100);
        assertThat(served(100)).containsOnlyKeys("v6");
    }

    @Test
    @Order(6)
    void anAlarmSetToAlarmMidCanaryRollsBackAndTheOldVersionServesEverything() throws Exception {
        // From: host-3 and host-4 serve v6 (the blue/green group's last success). Replacement fleet: color a, canary of
        // 10% for 5 "minutes" (15 s), stopped by `aws cloudwatch set-alarm-state … ALARM` while the canary serves.
        aws.ok("cloudwatch", "put-metric-alarm", "--alarm-name", "web-errors", "--namespace", "Web", "--metric-name", "Errors",
                "--statistic", "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "1",
                "--comparison-operator", "GreaterThanOrEqualToThreshold");
        Path update = work.resolve("group-alarms.json");
        Files.writeString(update, """
                {"applicationName": "web", "currentDeploymentGroupName": "bluegreen",
                 "alarmConfiguration": {"enabled": true, "alarms": [{"name": "web-errors"}]},
                 "autoRollbackConfiguration": {"enabled": true, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]}}""");
        aws.ok("deploy", "update-deployment-group", "--cli-input-json", "file://" + update);
        aws.ok("deploy", "create-deployment-config", "--deployment-config-name", "Canary10Percent5Minutes", "--compute-platform", "Server",
                "--traffic-routing-config", "type=TimeBasedCanary,timeBasedCanary={canaryPercentage=10,canaryInterval=5}");
        List<LoadLoop.Sample> samples;
        JsonNode stopped;
        JsonNode rollback;
        try (LoadLoop load = LoadLoop.start(haproxy.url() + "/version", 2, 50_000)) {
            Thread.sleep(300);
            String id = deploy("bluegreen", "v9", "--target-instances", "tagFilters=[{Key=color,Value=a,Type=KEY_AND_VALUE}]",
                    "--deployment-config-name", "Canary10Percent5Minutes");
            Instant until = Instant.now().plus(DEPLOYMENT_TIMEOUT);
            while (load.samples().stream().noneMatch(s -> "v9".equals(s.version()))) {
                assertThat(Instant.now()).as("the canary serves v9").isBefore(until);
                Thread.sleep(50);
            }
            aws.ok("cloudwatch", "set-alarm-state", "--alarm-name", "web-errors", "--state-value", "ALARM",
                    "--state-reason", "5xx rate above 1% on the canary");
            stopped = awaitEnd(id);
            rollback = awaitEnd(stopped.at("/rollbackInfo/rollbackDeploymentId").asText());
            Thread.sleep(300);
            samples = load.stop();
        }
        assertThat(stopped.path("status").asText()).isEqualTo("Failed");
        assertThat(stopped.at("/errorInformation/code").asText()).isEqualTo("ALARM_ACTIVE");
        assertThat(stopped.at("/errorInformation/message").asText()).contains("web-errors").contains("5xx rate above 1%");
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("Succeeded");
        assertThat(rollback.path("creator").asText()).isEqualTo("codeDeployRollback");
        assertThat(rollback.at("/rollbackInfo/rollbackTriggeringDeploymentId").asText()).isEqualTo(stopped.path("deploymentId").asText());
        assertThat(LoadLoopFailures.of(samples)).isEmpty();
        List<Integer> shares = shares(samples, "v9");
        assertThat(shares.stream().mapToInt(Integer::intValue).max().orElse(0)).as("never more than the canary: %s", shares).isLessThan(30);
        assertThat(served(100)).containsOnlyKeys("v6");
        assertThat(haproxy.statuses(BACKEND)).containsEntry("host-1", "MAINT").containsEntry("host-2", "MAINT");
        aws.ok("cloudwatch", "set-alarm-state", "--alarm-name", "web-errors", "--state-value", "OK", "--state-reason", "recovered");
    }

    @Test
    @Order(7)
    void aPipelineDeploysThroughCodeDeployAndItsActionFailsWithTheDeploymentsReason() throws Exception {
        // From: host-3 and host-4 serve v6 (host-1 and host-2 are disabled). The in-place group deploys to all four; v7 is
        // good, v8 fails ValidateService.
        aws.succeed("s3", "mb", "s3://web-source");
        aws.ok("s3api", "put-bucket-versioning", "--bucket", "web-source", "--versioning-configuration", "Status=Enabled");
        aws.succeed("s3", "mb", "s3://web-artifacts");
        aws.succeed("s3", "cp", work.resolve("bundles/web-v7.zip").toString(), "s3://web-source/web.zip");
        Path definition = work.resolve("pipeline.json");
        Files.writeString(definition, """
                {"pipeline": {"name": "web-release", "roleArn": "arn:aws:iam::000000000000:role/p", "pipelineType": "V2",
                 "artifactStore": {"type": "S3", "location": "web-artifacts"},
                 "stages": [
                  {"name": "Source", "actions": [{"name": "Source",
                     "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                     "configuration": {"S3Bucket": "web-source", "S3ObjectKey": "web.zip", "PollForSourceChanges": "false"},
                     "outputArtifacts": [{"name": "Release"}]}]},
                  {"name": "Deploy", "actions": [{"name": "Deploy",
                     "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "CodeDeploy", "version": "1"},
                     "configuration": {"ApplicationName": "web", "DeploymentGroupName": "inplace"},
                     "inputArtifacts": [{"name": "Release"}]}]}
                 ]}}""");
        aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);
        String first = Executions.createdExecution(aws, "web-release");
        JsonNode settled = Executions.awaitSettled(aws, "web-release", first, DEPLOYMENT_TIMEOUT);
        assertThat(settled.path("status").asText()).as(settled.toString()).isEqualTo("Succeeded");
        assertThat(served(100)).containsOnlyKeys("v7");

        JsonNode deployAction = null;
        for (JsonNode a : aws.ok("codepipeline", "list-action-executions", "--pipeline-name", "web-release",
                "--filter", "pipelineExecutionId=" + first).path("actionExecutionDetails")) {
            if ("Deploy".equals(a.path("actionName").asText())) {
                deployAction = a;
            }
        }
        String deploymentId = deployAction.at("/output/executionResult/externalExecutionId").asText();
        assertThat(deploymentId).startsWith("d-");
        assertThat(deployAction.at("/output/executionResult/externalExecutionSummary").asText()).contains("succeeded").contains("4 succeeded");
        assertThat(deployAction.at("/output/executionResult/externalExecutionUrl").asText()).endsWith("/conveyor/deploy/deployments/" + deploymentId);
        JsonNode targets = aws.ok("codepipeline", "list-deploy-action-execution-targets", "--pipeline-name", "web-release",
                "--action-execution-id", deployAction.path("actionExecutionId").asText()).path("targets");
        assertThat(targets).hasSize(4);
        for (JsonNode t : targets) {
            assertThat(t.path("status").asText()).isEqualTo("Succeeded");
            assertThat(t.path("events").toString()).contains("\"name\":\"ValidateService\"").contains("\"name\":\"AllowTraffic\"");
        }

        // A release whose ValidateService fails: the action fails with the deployment's reason; v7 serves everything again.
        aws.succeed("s3", "cp", work.resolve("bundles/web-v8.zip").toString(), "s3://web-source/web.zip");
        String second = aws.ok("codepipeline", "start-pipeline-execution", "--name", "web-release").path("pipelineExecutionId").asText();
        JsonNode failed = Executions.awaitSettled(aws, "web-release", second, DEPLOYMENT_TIMEOUT);
        assertThat(failed.path("status").asText()).isEqualTo("Failed");
        JsonNode state = aws.ok("codepipeline", "get-pipeline-state", "--name", "web-release");
        String message = state.at("/stageStates/1/actionStates/0/latestExecution/errorDetails/message").asText();
        assertThat(message).contains("failed").contains("ValidateService").contains("health check failed").contains("rolled back by deployment d-");
        String rollbackId = message.replaceAll("(?s).*rolled back by deployment (d-[A-Z0-9]+).*", "$1");
        assertThat(awaitEnd(rollbackId).path("status").asText()).isEqualTo("Succeeded");
        assertThat(served(100)).containsOnlyKeys("v7");
    }
}
