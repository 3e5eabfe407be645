package dev.conveyor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The writer on both databases: everything queued is stored by the time close returns, secrets are hidden before an
 * event is even queued, and events past the retention are removed.
 */
class AuditTrailTest {
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

    private static AuditEvent event(Instant at, String name, String secret) {
        JsonNode parameters = ConveyorJson.read("{\"Name\": \"/app/key\", \"Value\": \"" + secret + "\", \"Tags\": [{\"Key\": \"team\","
                + " \"Value\": \"" + secret + "\"}], \"authenticationConfiguration\": {\"SecretToken\": \"" + secret + "\"},"
                + " \"nextToken\": \"page-2\"}", JsonNode.class);
        return new AuditEvent(at, "ssm.amazonaws.com", name, "AKIAEXAMPLE", "10.0.0.7", "test-agent", parameters,
                List.of(new AuditResource("AWS::SSM::Parameter", "/app/key")), null, null, false, "req-" + name, true);
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void closeStoresEverythingQueuedWithSecretsHidden(String kind) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            AuditServices audit = AuditServices.open(db, key -> new CallerIdentity("IAMUser", "AIDA1", "arn:aws:iam::000000000000:user/bob",
                    "000000000000", "bob"), "us-east-1", "000000000000", clock, AuditServices.DEFAULT_RETENTION);
            for (int i = 0; i < 1200; i++) { // more than two batches
                audit.trail().record(event(NOW.minusSeconds(i), "PutParameter" + i, "hunter2-" + i));
            }
            audit.close();

            long stored = db.read(c -> {
                try (var r = c.createStatement().executeQuery("SELECT COUNT(*) FROM audit_event")) {
                    r.next();
                    return r.getLong(1);
                }
            });
            assertThat(stored).isEqualTo(1200);
            String everything = db.read(c -> {
                StringBuilder all = new StringBuilder();
                try (var r = c.createStatement().executeQuery("SELECT * FROM audit_event")) {
                    while (r.next()) {
                        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                            all.append(r.getString(i)).append('|');
                        }
                    }
                }
                return all.toString();
            });
            assertThat(everything).doesNotContain("hunter2").contains("page-2").contains("arn:aws:iam::000000000000:user/bob")
                    .contains(SecretRedaction.HIDDEN);

            JsonNode page = AuditServices.open(db, key -> CallerIdentity.root("000000000000"), "us-east-1", "000000000000", clock,
                    AuditServices.DEFAULT_RETENTION).lookupEvents().handle(ConveyorJson.read("{\"MaxResults\": 1}", JsonNode.class));
            JsonNode newest = ConveyorJson.read(page.path("Events").get(0).path("CloudTrailEvent").asText(), JsonNode.class);
            assertThat(newest.path("eventName").asText()).isEqualTo("PutParameter0");
            assertThat(newest.path("userIdentity").path("userName").asText()).isEqualTo("bob");
            assertThat(newest.path("requestParameters").path("Value").asText()).isEqualTo(SecretRedaction.HIDDEN);
            assertThat(newest.path("requestParameters").path("Tags").get(0).path("Key").asText()).isEqualTo("team");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void eventsPastTheRetentionAreRemoved(String kind) {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            Clock then = Clock.fixed(NOW.minus(Duration.ofDays(100)), ZoneOffset.UTC);
            AuditServices old = AuditServices.open(db, key -> CallerIdentity.root("000000000000"), "us-east-1", "000000000000", then,
                    Duration.ofDays(90));
            old.trail().record(event(then.instant(), "Old", "x"));
            old.trail().record(event(NOW.minus(Duration.ofDays(1)), "Recent", "x"));
            old.close();

            // A start 100 days later applies the retention at once.
            AuditServices now = AuditServices.open(db, key -> CallerIdentity.root("000000000000"), "us-east-1", "000000000000",
                    Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(90));
            now.close();
            List<String> names = db.read(c -> {
                List<String> out = new java.util.ArrayList<>();
                try (var r = c.createStatement().executeQuery("SELECT event_name FROM audit_event")) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
                return out;
            });
            assertThat(names).containsExactly("Recent");
        }
    }
}
