package dev.conveyor.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.deploy.engine.DeploySettings;
import dev.conveyor.deploy.store.DeployRepository;
import dev.conveyor.deploy.store.DeploySchema;
import dev.conveyor.store.Database;
import dev.conveyor.store.outbox.DeploymentRecorder;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestDatabases;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deployments tell their recorder (the events' outbox, issue 17) of every status change of a deployment and of its
 * targets, inside the transaction that makes the change, on both databases: a recorder that fails rolls the change
 * back, and nothing is told twice.
 */
class DeploymentRecorderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Records what it is told, and whether it was told inside a transaction. */
    static final class Recording implements DeploymentRecorder {
        final List<String> changes = new CopyOnWriteArrayList<>();
        final List<Change> all = new CopyOnWriteArrayList<>();
        final AtomicInteger committed = new AtomicInteger();
        volatile boolean outsideTransaction;

        @Override
        public void record(java.sql.Connection connection, Change change) throws SQLException {
            outsideTransaction |= connection.getAutoCommit();
            all.add(change);
            changes.add((change.ofInstance() ? change.instanceId() : "deployment") + " " + change.previousStatus() + " -> " + change.status());
        }

        @Override
        public void committed() {
            committed.incrementAndGet();
        }
    }

    private static JsonNode call(DeployServices services, String operation, String json) {
        try {
            JsonNode out = services.codeDeployOperations().get(operation).apply(JSON.readTree(json));
            return out == null ? JSON.createObjectNode() : out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode command(DeployServices services, String operation, ObjectNode input) {
        JsonNode out = services.commandOperations().get(operation).apply(input);
        return out == null ? JSON.createObjectNode() : out;
    }

    /** Plays the host's agent: takes its command and reports every lifecycle event succeeded. */
    private static boolean runCommand(DeployServices services, String host) {
        JsonNode command = command(services, "PollHostCommand", JSON.createObjectNode().put("HostIdentifier", host)).get("HostCommand");
        if (command == null) {
            return false;
        }
        String id = command.path("CommandId").asText();
        for (JsonNode e : command.path("LifecycleEvents")) {
            ObjectNode report = JSON.createObjectNode().put("HostIdentifier", host).put("CommandId", id).put("LifecycleEventName", e.asText())
                    .put("Status", "Succeeded");
            report.putObject("Diagnostics").put("ErrorCode", "Success").put("Message", "by the test");
            command(services, "PutLifecycleEventStatus", report);
        }
        command(services, "PutHostCommandComplete", JSON.createObjectNode().put("HostIdentifier", host).put("CommandId", id)
                .put("CommandStatus", "Succeeded"));
        return true;
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void everyStatusChangeOfADeploymentAndItsTargetIsToldOnceInsideItsTransaction(String kind) {
        Recording recorder = new Recording();
        try (Database database = Database.open(TestDatabases.freshUrl(kind));
             DeployServices services = DeployServices.open(database, new DeploymentStateMachineTest.Revisions(),
                     new DeploymentStateMachineTest.RecordedTraffic(), new DeploymentStateMachineTest.Alarms(), "us-east-1", "000000000000",
                     MovableClock.at(DeploymentStateMachineTest.START), DeploySettings.defaults(), recorder)) {
            call(services, "CreateApplication", "{\"applicationName\":\"web\"}");
            call(services, "RegisterOnPremisesInstance", "{\"instanceName\":\"a-1\",\"iamSessionArn\":\"arn:aws:sts::000000000000:assumed-role/a/a-1\"}");
            call(services, "AddTagsToOnPremisesInstances", "{\"instanceNames\":[\"a-1\"],\"tags\":[{\"Key\":\"app\",\"Value\":\"web\"}]}");
            call(services, "CreateDeploymentGroup", """
                    {"applicationName": "web", "deploymentGroupName": "one", "serviceRoleArn": "arn:aws:iam::000000000000:role/r",
                     "deploymentConfigName": "CodeDeployDefault.AllAtOnce",
                     "onPremisesInstanceTagFilters": [{"Key": "app", "Value": "web", "Type": "KEY_AND_VALUE"}]}""");
            String groupId = call(services, "GetDeploymentGroup", "{\"applicationName\":\"web\",\"deploymentGroupName\":\"one\"}")
                    .at("/deploymentGroupInfo/deploymentGroupId").asText();
            String id = call(services, "CreateDeployment", """
                    {"applicationName": "web", "deploymentGroupName": "one",
                     "revision": {"revisionType": "S3", "s3Location": {"bucket": "releases", "key": "web-v1.zip", "bundleType": "zip"}}}""")
                    .path("deploymentId").asText();
            Await.await(() -> runCommand(services, "a-1"), ran -> ran, WAIT, "the command for a-1");
            Await.await(() -> call(services, "GetDeployment", "{\"deploymentId\":\"" + id + "\"}").at("/deploymentInfo/status").asText(),
                    "Succeeded"::equals, WAIT, "the deployment to succeed");

            assertThat(recorder.changes).containsExactly("deployment null -> Created", "deployment Created -> InProgress",
                    "a-1 Pending -> InProgress", "a-1 InProgress -> Succeeded", "deployment InProgress -> Succeeded");
            assertThat(recorder.all).allSatisfy(c -> {
                assertThat(c.deploymentId()).isEqualTo(id);
                assertThat(c.application()).isEqualTo("web");
                assertThat(c.deploymentGroup()).isEqualTo("one");
                assertThat(c.deploymentGroupId()).isEqualTo(groupId);
            });
            assertThat(recorder.outsideTransaction).as("told outside a transaction").isFalse();
            // Woken after each commit (the last one just after the status the test read became visible).
            Await.await(recorder.committed::get, n -> n >= recorder.changes.size(), WAIT, "a wake after every recorded commit");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aRecorderThatFailsRollsTheStatusChangeBack(String kind) throws Exception {
        try (Database database = Database.open(TestDatabases.freshUrl(kind))) {
            DeploySchema.migrate(database);
            DeployRepository repo = new DeployRepository(database);
            ObjectNode document = JSON.createObjectNode().put("status", "Created");
            document.putObject("_").put("groupId", "g-1");
            repo.insertDeployment(new DeployRepository.DeploymentRow("d-TEST00001", "web", "one", "Created", 0, document,
                    JSON.createArrayNode(), 0, null, false, null), List.of());
            repo.recordChangesWith((connection, change) -> {
                throw new SQLException("the outbox is full");
            });
            assertThatThrownBy(() -> repo.advance("d-TEST00001", 0, 0, "InProgress", document.deepCopy().put("status", "InProgress"), null))
                    .hasMessageContaining("the outbox is full");
            assertThat(repo.deployment("d-TEST00001").orElseThrow().status()).isEqualTo("Created");

            // The same step again, recorded: one change; once more with the same status: nothing to tell.
            Recording recorder = new Recording();
            repo.recordChangesWith(recorder);
            assertThat(repo.advance("d-TEST00001", 0, 0, "InProgress", document.deepCopy().put("status", "InProgress"), null)).isTrue();
            assertThat(repo.advance("d-TEST00001", 0, 1, "InProgress", document.deepCopy().put("status", "InProgress"), null)).isTrue();
            assertThat(repo.advance("d-TEST00001", 0, 1, "Failed", document, null)).as("not at that step any more").isFalse();
            assertThat(recorder.changes).containsExactly("deployment Created -> InProgress");
            assertThat(recorder.all.getFirst().deploymentGroupId()).isEqualTo("g-1");
        }
    }
}
