package dev.conveyor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.deploy.engine.DeploySettings;
import dev.conveyor.deploy.engine.RevisionStore;
import dev.conveyor.deploy.engine.TrafficControl;
import dev.conveyor.deploy.errors.DeploymentGroupDoesNotExistException;
import dev.conveyor.deploy.errors.InvalidMinimumHealthyHostValueException;
import dev.conveyor.deploy.errors.InvalidRevisionException;
import dev.conveyor.deploy.errors.InvalidTrafficRoutingConfigurationException;
import dev.conveyor.model.alarms.AlarmStates;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestDatabases;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deployment state machine over a real database (both kinds), with the test playing the hosts' agents through the
 * host-command API: batches follow minimumHealthyHosts, a restarted server resumes where it was, a silent agent fails
 * its target, an alarm stops a canary and traffic goes back before the rollback starts. Time is a settable clock.
 */
class DeploymentStateMachineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    static final Instant START = Instant.parse("2026-12-06T12:00:00Z");

    /** Revisions held in memory (the S3 side is outside this module). */
    static final class Revisions implements RevisionStore {
        @Override
        public Optional<Head> head(String bucket, String key, String versionId) {
            return "releases".equals(bucket) && key.endsWith(".zip") ? Optional.of(new Head("v-" + key, "etag-" + key, 3)) : Optional.empty();
        }

        @Override
        public InputStream open(String bucket, String key, String versionId) {
            return new ByteArrayInputStream(new byte[] {1, 2, 3});
        }
    }

    /** What the deployments asked of the load balancer, in order. */
    static final class RecordedTraffic implements TrafficControl {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void block(String backend, String server, Duration timeout) {
            calls.add("block " + server);
        }

        @Override
        public void allow(String backend, String server) {
            calls.add("allow " + server);
        }

        @Override
        public void weight(String backend, String server, int weight) {
            calls.add("weight " + server + " " + weight);
        }

        @Override
        public Map<String, String> servers(String backend) {
            return Map.of();
        }
    }

    /** Alarms whose state the test sets. */
    static final class Alarms implements AlarmStates {
        final Map<String, AlarmState> states = new ConcurrentHashMap<>();

        @Override
        public Optional<AlarmState> state(String alarmName) {
            return Optional.ofNullable(states.get(alarmName));
        }

        void set(String name, String value) {
            states.put(name, new AlarmState(name, value, "set by the test", Instant.now()));
        }
    }

    private final MovableClock clock = MovableClock.at(START);
    private final RecordedTraffic traffic = new RecordedTraffic();
    private final Alarms alarms = new Alarms();

    private DeployServices open(Database database) {
        return DeployServices.open(database, new Revisions(), traffic, alarms, "us-east-1", "000000000000", clock,
                DeploySettings.defaults().withSecondsPerMinute(60).withAgentTimeout(Duration.ofSeconds(60)));
    }

    private static JsonNode call(DeployServices services, String operation, String json) {
        try {
            Function<JsonNode, JsonNode> op = services.codeDeployOperations().get(operation);
            JsonNode out = op.apply(JSON.readTree(json));
            return out == null ? JSON.createObjectNode() : out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode command(DeployServices services, String operation, ObjectNode input) {
        JsonNode out = services.commandOperations().get(operation).apply(input);
        return out == null ? JSON.createObjectNode() : out;
    }

    private static void fleet(DeployServices services, int count, String color) {
        for (int i = 1; i <= count; i++) {
            String name = color + "-" + i;
            call(services, "RegisterOnPremisesInstance", "{\"instanceName\":\"" + name + "\",\"iamSessionArn\":\"arn:aws:sts::000000000000:assumed-role/a/" + name + "\"}");
            call(services, "AddTagsToOnPremisesInstances", "{\"instanceNames\":[\"" + name + "\"],\"tags\":[{\"Key\":\"app\",\"Value\":\"web\"},{\"Key\":\"color\",\"Value\":\"" + color + "\"}]}");
        }
    }

    /** Plays a host's agent: takes its open command, if any, and reports every event with {@code outcome}; returns the events run. */
    private static List<String> runCommand(DeployServices services, String host, String outcome) {
        ObjectNode poll = JSON.createObjectNode().put("HostIdentifier", host);
        JsonNode command = command(services, "PollHostCommand", poll).get("HostCommand");
        if (command == null) {
            return List.of();
        }
        List<String> events = new ArrayList<>();
        String id = command.path("CommandId").asText();
        for (JsonNode e : command.path("LifecycleEvents")) {
            events.add(e.asText());
            ObjectNode report = JSON.createObjectNode().put("HostIdentifier", host).put("CommandId", id).put("LifecycleEventName", e.asText())
                    .put("Status", outcome);
            report.putObject("Diagnostics").put("ErrorCode", "Failed".equals(outcome) ? "ScriptFailed" : "Success").put("Message", "by the test");
            command(services, "PutLifecycleEventStatus", report);
            if ("Failed".equals(outcome)) {
                break;
            }
        }
        command(services, "PutHostCommandComplete", JSON.createObjectNode().put("HostIdentifier", host).put("CommandId", id)
                .put("CommandStatus", "Failed".equals(outcome) ? "Failed" : "Succeeded"));
        return events;
    }

    private static List<String> awaitCommand(DeployServices services, String host, String outcome) {
        return Await.await(() -> runCommand(services, host, outcome), events -> !events.isEmpty(), WAIT, "a command for " + host);
    }

    private static String status(DeployServices services, String id) {
        try {
            return call(services, "GetDeployment", "{\"deploymentId\":\"" + id + "\"}").at("/deploymentInfo/status").asText();
        } catch (dev.conveyor.deploy.errors.DeploymentDoesNotExistException e) {
            return "not created yet"; // a rollback's id is committed with the deployment it rolls back, before it is made
        }
    }

    private static JsonNode awaitStatus(DeployServices services, String id, String status) {
        Await.await(() -> status(services, id), status::equals, WAIT, "deployment " + id + " " + status);
        return call(services, "GetDeployment", "{\"deploymentId\":\"" + id + "\"}").path("deploymentInfo");
    }

    private static void group(DeployServices services, String name, String extra) {
        call(services, "CreateDeploymentGroup", """
                {"applicationName": "web", "deploymentGroupName": "%s", "serviceRoleArn": "arn:aws:iam::000000000000:role/r",
                 "onPremisesInstanceTagFilters": [{"Key": "app", "Value": "web", "Type": "KEY_AND_VALUE"}] %s}""".formatted(name, extra));
    }

    private static String deploy(DeployServices services, String group, String key, String extra) {
        return call(services, "CreateDeployment", """
                {"applicationName": "web", "deploymentGroupName": "%s",
                 "revision": {"revisionType": "S3", "s3Location": {"bucket": "releases", "key": "%s", "bundleType": "zip"}} %s}"""
                .formatted(group, key, extra)).path("deploymentId").asText();
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void batchesFollowMinimumHealthyHostsAndARestartedServerResumesAtTheStepItWasOn(String kind) {
        String url = TestDatabases.freshUrl(kind);
        String id;
        try (Database database = Database.open(url); DeployServices services = open(database)) {
            call(services, "CreateApplication", "{\"applicationName\":\"web\"}");
            fleet(services, 4, "a");
            group(services, "half", ", \"deploymentConfigName\": \"CodeDeployDefault.HalfAtATime\"");
            id = deploy(services, "half", "web-v1.zip", "");
            // HalfAtATime over four: two at a time; the second batch gets nothing until the first is done.
            assertThat(awaitCommand(services, "a-1", "Succeeded")).containsExactly("ApplicationStop", "DownloadBundle", "BeforeInstall",
                    "Install", "AfterInstall", "ApplicationStart", "ValidateService");
            assertThat(runCommand(services, "a-3", "Succeeded")).as("the second batch waits").isEmpty();
            awaitCommand(services, "a-2", "Succeeded");
            Await.await(() -> call(services, "GetDeployment", "{\"deploymentId\":\"" + id + "\"}").at("/deploymentInfo/deploymentOverview/Succeeded").asInt(),
                    n -> n == 2, WAIT, "two targets succeeded");
        }
        // The server stops with the deployment mid-way; the next start resumes it at its step, issuing nothing twice.
        try (Database database = Database.open(url); DeployServices services = open(database)) {
            assertThat(runCommand(services, "a-1", "Succeeded")).as("the first batch's commands are not issued again").isEmpty();
            awaitCommand(services, "a-3", "Succeeded");
            awaitCommand(services, "a-4", "Succeeded");
            JsonNode info = awaitStatus(services, id, "Succeeded");
            assertThat(info.at("/deploymentOverview/Succeeded").asInt()).isEqualTo(4);
            assertThat(call(services, "GetDeploymentGroup", "{\"applicationName\":\"web\",\"deploymentGroupName\":\"half\"}")
                    .at("/deploymentGroupInfo/lastSuccessfulDeployment/deploymentId").asText()).isEqualTo(id);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void anAgentThatStopsRespondingFailsItsTargetAndTheDeploymentRollsBack(String kind) {
        try (Database database = Database.open(TestDatabases.freshUrl(kind)); DeployServices services = open(database)) {
            call(services, "CreateApplication", "{\"applicationName\":\"web\"}");
            fleet(services, 2, "a");
            group(services, "one", ", \"deploymentConfigName\": \"CodeDeployDefault.OneAtATime\", "
                    + "\"autoRollbackConfiguration\": {\"enabled\": true, \"events\": [\"DEPLOYMENT_FAILURE\"]}");
            String good = deploy(services, "one", "web-v1.zip", "");
            awaitCommand(services, "a-1", "Succeeded");
            awaitCommand(services, "a-2", "Succeeded");
            awaitStatus(services, good, "Succeeded");

            String id = deploy(services, "one", "web-v2.zip", "");
            // a-1's agent takes its command, then is never heard from again.
            JsonNode taken = Await.await(() -> command(services, "PollHostCommand", JSON.createObjectNode().put("HostIdentifier", "a-1")),
                    out -> out.has("HostCommand"), WAIT, "a command for a-1");
            assertThat(taken.at("/HostCommand/DeploymentId").asText()).isEqualTo(id);
            clock.advance(Duration.ofMinutes(2));
            JsonNode failed = awaitStatus(services, id, "Failed");
            assertThat(failed.at("/errorInformation/code").asText()).isEqualTo("HEALTH_CONSTRAINTS");
            assertThat(failed.at("/errorInformation/message").asText()).contains("a-1").contains("stopped responding");
            String rollback = failed.at("/rollbackInfo/rollbackDeploymentId").asText();
            JsonNode target = call(services, "BatchGetDeploymentTargets", "{\"deploymentId\":\"" + id + "\",\"targetIds\":[\"a-1\"]}")
                    .at("/deploymentTargets/0/instanceTarget");
            assertThat(target.path("status").asText()).isEqualTo("Failed");
            assertThat(target.at("/lifecycleEvents/0/diagnostics/message").asText()).contains("stopped responding");
            assertThat(target.at("/lifecycleEvents/1/status").asText()).isEqualTo("Skipped");

            // The rollback reinstalls v1 (a-1's agent is back).
            assertThat(awaitCommand(services, "a-1", "Succeeded")).contains("Install");
            awaitCommand(services, "a-2", "Succeeded");
            JsonNode done = awaitStatus(services, rollback, "Succeeded");
            assertThat(done.path("creator").asText()).isEqualTo("codeDeployRollback");
            assertThat(done.at("/rollbackInfo/rollbackTriggeringDeploymentId").asText()).isEqualTo(id);
            assertThat(done.at("/revision/s3Location/key").asText()).isEqualTo("web-v1.zip");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void anAlarmInAlarmMidCanaryStopsItAndTrafficGoesBackBeforeTheRollback(String kind) {
        try (Database database = Database.open(TestDatabases.freshUrl(kind)); DeployServices services = open(database)) {
            call(services, "CreateApplication", "{\"applicationName\":\"web\"}");
            fleet(services, 2, "blue");
            fleet(services, 2, "green");
            call(services, "CreateDeploymentConfig", """
                    {"deploymentConfigName": "Canary10", "computePlatform": "Server",
                     "trafficRoutingConfig": {"type": "TimeBasedCanary", "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 5}}}""");
            group(services, "bg", """
                    , "deploymentConfigName": "Canary10",
                    "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
                    "loadBalancerInfo": {"targetGroupInfoList": [{"name": "web"}]},
                    "blueGreenDeploymentConfiguration": {"greenFleetProvisioningOption": {"action": "DISCOVER_EXISTING"}},
                    "alarmConfiguration": {"enabled": true, "alarms": [{"name": "web-5xx"}]},
                    "autoRollbackConfiguration": {"enabled": true, "events": ["DEPLOYMENT_STOP_ON_ALARM"]}""");
            alarms.set("web-5xx", AlarmStates.AlarmState.OK);
            // v1 went to the blue hosts (all at once; the green ones were the original fleet then).
            String good = deploy(services, "bg", "web-v1.zip", ", \"deploymentConfigName\": \"CodeDeployDefault.AllAtOnce\", "
                    + "\"targetInstances\": {\"tagFilters\": [{\"Key\": \"color\", \"Value\": \"blue\", \"Type\": \"KEY_AND_VALUE\"}]}");
            awaitCommand(services, "blue-1", "Succeeded");
            awaitCommand(services, "blue-2", "Succeeded");
            awaitCommand(services, "blue-1", "Succeeded"); // AfterAllowTraffic
            awaitCommand(services, "blue-2", "Succeeded");
            awaitCommand(services, "green-1", "Succeeded"); // BeforeBlockTraffic, then AfterBlockTraffic
            awaitCommand(services, "green-2", "Succeeded");
            awaitCommand(services, "green-1", "Succeeded");
            awaitCommand(services, "green-2", "Succeeded");
            awaitStatus(services, good, "Succeeded");
            traffic.calls.clear();

            String id = deploy(services, "bg", "web-v2.zip",
                    ", \"targetInstances\": {\"tagFilters\": [{\"Key\": \"color\", \"Value\": \"green\", \"Type\": \"KEY_AND_VALUE\"}]}");
            awaitCommand(services, "green-1", "Succeeded");
            awaitCommand(services, "green-2", "Succeeded");
            // 10% to green: weights 10·2 : 90·2, the larger scaled to 256.
            Await.await(() -> List.copyOf(traffic.calls), calls -> calls.contains("weight blue-1 256"), WAIT, "the canary step");
            assertThat(traffic.calls).contains("weight green-1 28", "weight green-2 28", "weight blue-2 256");
            assertThat(status(services, id)).isEqualTo("InProgress");
            traffic.calls.clear();

            alarms.set("web-5xx", AlarmStates.AlarmState.ALARM);
            JsonNode failed = awaitStatus(services, id, "Failed");
            assertThat(failed.at("/errorInformation/code").asText()).isEqualTo("ALARM_ACTIVE");
            assertThat(failed.at("/errorInformation/message").asText()).contains("web-5xx");
            String rollback = failed.at("/rollbackInfo/rollbackDeploymentId").asText();
            JsonNode done = awaitStatus(services, rollback, "Succeeded");
            assertThat(done.path("creator").asText()).isEqualTo("codeDeployRollback");
            assertThat(done.at("/revision/s3Location/key").asText()).isEqualTo("web-v1.zip");
            // Traffic went back to blue at full weight, and green out of rotation, before the rollback confirmed it.
            assertThat(traffic.calls.subList(0, 4)).containsExactly("allow blue-1", "allow blue-2", "block green-1", "block green-2");
            assertThat(call(services, "GetDeploymentGroup", "{\"applicationName\":\"web\",\"deploymentGroupName\":\"bg\"}")
                    .at("/deploymentGroupInfo/lastSuccessfulDeployment/deploymentId").asText()).isEqualTo(rollback);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void badInputIsRefusedWithTheModelsErrorNamingTheMember(String kind) {
        try (Database database = Database.open(TestDatabases.freshUrl(kind)); DeployServices services = open(database)) {
            call(services, "CreateApplication", "{\"applicationName\":\"web\"}");
            fleet(services, 1, "a");
            group(services, "g", "");
            assertThatThrownBy(() -> deploy(services, "nope", "web-v1.zip", ""))
                    .isInstanceOf(DeploymentGroupDoesNotExistException.class)
                    .satisfies(e -> assertThat(((ServiceException) e).path()).isEqualTo("deploymentGroupName"));
            assertThatThrownBy(() -> call(services, "CreateDeployment", """
                    {"applicationName": "web", "deploymentGroupName": "g",
                     "revision": {"revisionType": "S3", "s3Location": {"bucket": "releases", "key": "missing.tar", "bundleType": "tar"}}}"""))
                    .isInstanceOf(InvalidRevisionException.class).hasMessageContaining("does not exist");
            assertThatThrownBy(() -> call(services, "CreateDeploymentConfig",
                    "{\"deploymentConfigName\":\"c\",\"minimumHealthyHosts\":{\"type\":\"FLEET_PERCENT\",\"value\":100}}"))
                    .isInstanceOf(InvalidMinimumHealthyHostValueException.class)
                    .satisfies(e -> assertThat(((ServiceException) e).path()).isEqualTo("minimumHealthyHosts.value"));
            assertThatThrownBy(() -> call(services, "CreateDeploymentConfig",
                    "{\"deploymentConfigName\":\"c\",\"trafficRoutingConfig\":{\"type\":\"TimeBasedCanary\",\"timeBasedCanary\":{\"canaryPercentage\":0}}}"))
                    .isInstanceOf(InvalidTrafficRoutingConfigurationException.class);
            assertThat(call(services, "ListDeploymentConfigs", "{}").path("deploymentConfigsList").toString())
                    .contains("CodeDeployDefault.OneAtATime", "CodeDeployDefault.HalfAtATime", "CodeDeployDefault.AllAtOnce");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aBlueGreenDeploymentWaitsReadyForContinueDeploymentAndAStopRollsBackWhenAsked(String kind) {
        try (Database database = Database.open(TestDatabases.freshUrl(kind)); DeployServices services = open(database)) {
            call(services, "CreateApplication", "{\"applicationName\":\"web\"}");
            fleet(services, 1, "blue");
            fleet(services, 1, "green");
            group(services, "bg", """
                    , "deploymentConfigName": "CodeDeployDefault.AllAtOnce",
                    "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
                    "loadBalancerInfo": {"targetGroupInfoList": [{"name": "web"}]},
                    "blueGreenDeploymentConfiguration": {"greenFleetProvisioningOption": {"action": "DISCOVER_EXISTING"},
                      "deploymentReadyOption": {"actionOnTimeout": "STOP_DEPLOYMENT", "waitTimeInMinutes": 30},
                      "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE", "terminationWaitTimeInMinutes": 5}},
                    "autoRollbackConfiguration": {"enabled": true, "events": ["DEPLOYMENT_STOP_ON_REQUEST"]}""");
            String green = ", \"targetInstances\": {\"tagFilters\": [{\"Key\": \"color\", \"Value\": \"green\", \"Type\": \"KEY_AND_VALUE\"}]}";
            String id = deploy(services, "bg", "web-v1.zip", green);
            awaitCommand(services, "green-1", "Succeeded");
            awaitStatus(services, id, "Ready");
            assertThat(traffic.calls).as("no traffic moves before ContinueDeployment").containsExactly("block green-1");
            call(services, "ContinueDeployment", "{\"deploymentId\":\"" + id + "\",\"deploymentWaitType\":\"READY_WAIT\"}");
            assertThat(awaitCommand(services, "green-1", "Succeeded")).containsExactly("AfterAllowTraffic");
            assertThat(awaitCommand(services, "blue-1", "Succeeded")).containsExactly("BeforeBlockTraffic");
            assertThat(awaitCommand(services, "blue-1", "Succeeded")).containsExactly("AfterBlockTraffic");
            // TERMINATE: after the termination wait (5 API minutes), the original host's application is stopped.
            assertThat(runCommand(services, "blue-1", "Succeeded")).isEmpty();
            assertThat(Await.await(() -> {
                clock.advance(Duration.ofMinutes(6)); // whenever the wait began, it is over at the next look
                return runCommand(services, "blue-1", "Succeeded");
            }, events -> !events.isEmpty(), WAIT, "ApplicationStop on the original host")).containsExactly("ApplicationStop");
            awaitStatus(services, id, "Succeeded");
            assertThat(traffic.calls).containsSubsequence("block green-1", "allow green-1", "weight blue-1 0", "block blue-1");

            // The next one (back to the blue host) is stopped while Ready; the stop asks for a rollback.
            String next = deploy(services, "bg", "web-v2.zip",
                    ", \"targetInstances\": {\"tagFilters\": [{\"Key\": \"color\", \"Value\": \"blue\", \"Type\": \"KEY_AND_VALUE\"}]}");
            awaitCommand(services, "blue-1", "Succeeded");
            awaitStatus(services, next, "Ready");
            traffic.calls.clear();
            JsonNode stop = call(services, "StopDeployment", "{\"deploymentId\":\"" + next + "\"}");
            assertThat(stop.path("statusMessage").asText()).contains("rolled back");
            JsonNode stopped = awaitStatus(services, next, "Stopped");
            String rollback = stopped.at("/rollbackInfo/rollbackDeploymentId").asText();
            JsonNode done = awaitStatus(services, rollback, "Succeeded");
            assertThat(done.at("/revision/s3Location/key").asText()).isEqualTo("web-v1.zip");
            assertThat(traffic.calls.subList(0, 2)).containsExactly("allow green-1", "block blue-1");
            assertThatThrownBy(() -> call(services, "ContinueDeployment", "{\"deploymentId\":\"" + next + "\"}"))
                    .isInstanceOf(dev.conveyor.deploy.errors.DeploymentIsNotInReadyStateException.class);
        }
    }
}
