package dev.conveyor.events.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.events.EventsSchema;
import dev.conveyor.events.Json;
import dev.conveyor.events.notifications.EventTypes;
import dev.conveyor.store.Database;
import dev.conveyor.store.jdbc.Queries;
import dev.conveyor.store.outbox.DeploymentRecorder.Change;
import dev.conveyor.testkit.TestDatabases;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deployments' status changes become CodeDeploy's EventBridge events in the outbox, in the deployments' transaction:
 * CodeDeploy's detail-types, states and detail fields, ordered per deployment, and the CodeStar Notifications event
 * types a deployment's start, success and failure are.
 */
class DeploymentOutboxRecorderTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

    private static Change deployment(String before, String after) {
        return new Change("d-ABCDEFGHI", "web", "prod", "4f1c2a3b-0000-4000-8000-000000000001", null, before, after);
    }

    private static Change instance(String name, String before, String after) {
        return new Change("d-ABCDEFGHI", "web", "prod", "4f1c2a3b-0000-4000-8000-000000000001", name, before, after);
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void deploymentAndInstanceChangesAreCodeDeploysEventsInTheOrderTheyHappened(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            EventsSchema.migrate(db);
            int[] woken = new int[1];
            DeploymentOutboxRecorder recorder = new DeploymentOutboxRecorder(new Outbox(), new CodeDeployEvents("eu-west-1", "123456789012"),
                    Clock.fixed(T0, ZoneOffset.UTC), () -> woken[0]++);
            for (Change change : List.of(deployment(null, "Created"), deployment("Created", "InProgress"), instance("web-1", "Pending", "InProgress"),
                    instance("web-1", "InProgress", "Succeeded"), instance("web-2", "Pending", "Succeeded"), instance("web-3", "Pending", "Skipped"),
                    deployment("InProgress", "Succeeded"))) {
                db.inTransaction(c -> {
                    recorder.record(c, change);
                    return null;
                });
            }
            recorder.committed();
            List<JsonNode> events = db.read(c -> Queries.list(c, "SELECT body FROM event_outbox ORDER BY seq", r -> Json.read(r.getString(1))));
            assertThat(events).extracting(e -> (e.path("detail").has("instanceId") ? e.path("detail").path("instanceId").asText() : "deployment")
                    + " " + e.path("detail").path("state").asText()).containsExactly("deployment START", "web-1 START", "web-1 SUCCESS",
                    "web-2 START", "web-2 SUCCESS", "deployment SUCCESS");
            JsonNode success = events.getLast();
            assertThat(success.path("source").asText()).isEqualTo("aws.codedeploy");
            assertThat(success.path("detail-type").asText()).isEqualTo("CodeDeploy Deployment State-change Notification");
            assertThat(success.path("version").asText()).isEqualTo("0");
            assertThat(success.path("account").asText()).isEqualTo("123456789012");
            assertThat(success.path("region").asText()).isEqualTo("eu-west-1");
            assertThat(success.path("time").asText()).isEqualTo("2026-12-06T12:00:00Z");
            assertThat(success.path("resources")).extracting(JsonNode::asText).containsExactly(
                    "arn:aws:codedeploy:eu-west-1:123456789012:application:web",
                    "arn:aws:codedeploy:eu-west-1:123456789012:deploymentgroup:web/prod");
            JsonNode detail = success.path("detail");
            assertThat(detail.path("instanceGroupId").asText()).isEqualTo("4f1c2a3b-0000-4000-8000-000000000001");
            assertThat(detail.path("region").asText()).isEqualTo("eu-west-1");
            assertThat(detail.path("application").asText()).isEqualTo("web");
            assertThat(detail.path("deploymentId").asText()).isEqualTo("d-ABCDEFGHI");
            assertThat(detail.path("deploymentGroup").asText()).isEqualTo("prod");
            assertThat(detail.has("instanceId")).isFalse();
            JsonNode instance = events.get(2);
            assertThat(instance.path("detail-type").asText()).isEqualTo("CodeDeploy Instance State-change Notification");
            assertThat(instance.path("resources").get(0).asText()).isEqualTo("arn:aws:codedeploy:eu-west-1:123456789012:instance/web-1");
            List<String> lanes = db.read(c -> Queries.list(c, "SELECT DISTINCT execution_id FROM event_outbox", r -> r.getString(1)));
            assertThat(lanes).as("one deployment, one lane").containsExactly("d-ABCDEFGHI");
            List<String> pipelines = db.read(c -> Queries.list(c, "SELECT pipeline_name FROM event_outbox WHERE pipeline_name IS NOT NULL",
                    r -> r.getString(1)));
            assertThat(pipelines).isEmpty();
            assertThat(woken[0]).isEqualTo(1);

            assertThat(EventTypes.of(events.getFirst())).containsExactly("codedeploy-application-deployment-started");
            assertThat(EventTypes.of(success)).containsExactly("codedeploy-application-deployment-succeeded");
            assertThat(EventTypes.of(instance)).isEmpty();
        }
    }
}
