package dev.conveyor.events.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.events.EventsSchema;
import dev.conveyor.events.Json;
import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.rules.RuleRow;
import dev.conveyor.events.rules.Rules;
import dev.conveyor.events.sns.SnsFanout;
import dev.conveyor.events.sns.Topics;
import dev.conveyor.store.Database;
import dev.conveyor.store.jdbc.Queries;
import dev.conveyor.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Routing where an event is written, over a real database of each kind: a subscribed event's deliveries commit with
 * it or not at all, an unsubscribed one is written routed with none, a row the router fails on is left to the
 * dispatcher without failing its writer, and the dispatcher still routes rows written unrouted.
 */
class RouteOnWriteTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String SHOP = "{\"source\":[\"aws.codepipeline\"],\"detail\":{\"pipeline\":[\"shop\"]}}";

    private final Deliveries deliveries = new Deliveries();
    private final Rules rules = new Rules();

    private static Database open(String kind) {
        Database db = Database.open(TestDatabases.freshUrl(kind));
        EventsSchema.migrate(db);
        return db;
    }

    private Outbox routingOutbox() {
        return new Outbox(RouteOnWrite.create(new SnsFanout(new Topics()), () -> "http://conveyor.test", deliveries, CLOCK));
    }

    /** An enabled rule with {@code pattern} and one webhook target. */
    private void rule(Database db, String name, String pattern) {
        db.inTransaction(c -> {
            rules.put(c, new RuleRow(name, "arn:aws:events:eu-west-1:123456789012:rule/" + name, pattern, null, "ENABLED", null, null, NOW,
                    null));
            rules.putTarget(c, name, "hook", Json.read("{\"Id\":\"hook\",\"Arn\":\"https://hooks.example/" + name + "\"}"));
            return null;
        });
    }

    private static void event(Outbox outbox, Connection c, String id, String pipeline) throws SQLException {
        String body = "{\"id\":\"" + id + "\",\"source\":\"aws.codepipeline\",\"detail-type\":\"CodePipeline Pipeline Execution State Change\","
                + "\"resources\":[\"arn:aws:codepipeline:eu-west-1:123456789012:" + pipeline + "\"],\"detail\":{\"pipeline\":\"" + pipeline
                + "\",\"state\":\"STARTED\"}}";
        outbox.add(c, id, "EVENT", pipeline, "exec-1", "CodePipeline Pipeline Execution State Change", null, null, body, NOW);
    }

    private static List<String> outboxRows(Database db, boolean routed) {
        return db.read(c -> Queries.list(c, "SELECT event_id FROM event_outbox WHERE routed = " + (routed ? "TRUE" : "FALSE")
                + " ORDER BY seq", r -> r.getString(1)));
    }

    private static List<String> deliveredEvents(Database db) {
        return db.read(c -> Queries.list(c, "SELECT event_id, endpoint FROM event_delivery ORDER BY event_id",
                r -> r.getString(1) + " -> " + r.getString(2)));
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aSubscribedEventsDeliveriesCommitWithItAndAnUnsubscribedOneIsWrittenRouted(String kind) {
        try (Database db = open(kind)) {
            rule(db, "shop-watch", SHOP);
            Outbox outbox = routingOutbox();
            db.inTransaction(c -> {
                event(outbox, c, "e-shop", "shop");
                event(outbox, c, "e-other", "other");
                return null;
            });
            // Both rows are routed and the matching one has its delivery, due now, with no dispatcher running.
            assertThat(outboxRows(db, true)).containsExactly("e-shop", "e-other");
            assertThat(outboxRows(db, false)).isEmpty();
            assertThat(deliveredEvents(db)).containsExactly("e-shop -> https://hooks.example/shop-watch");
            long shopSeq = db.read(c -> Queries.first(c, "SELECT seq FROM event_outbox WHERE event_id = 'e-shop'", r -> r.getLong(1)))
                    .orElseThrow();
            List<DeliveryRow> due = db.read(c -> deliveries.due(c, NOW, 10));
            assertThat(due).extracting(DeliveryRow::outboxSeq).containsExactly(shopSeq);

            // A rolled-back change leaves neither its event nor the event's delivery.
            assertThatThrownBy(() -> db.inTransaction(c -> {
                event(outbox, c, "e-rolled-back", "shop");
                throw new IllegalStateException("the change failed");
            })).hasStackTraceContaining("the change failed");
            assertThat(outboxRows(db, true)).containsExactly("e-shop", "e-other");
            assertThat(deliveredEvents(db)).containsExactly("e-shop -> https://hooks.example/shop-watch");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void theRulesAreReadOncePerTransactionAndARuleJustCreatedRoutesTheNextTransactionsEvents(String kind) {
        try (Database db = open(kind)) {
            Outbox outbox = routingOutbox();
            // A transaction's events share one reading of the rules, taken at its first event.
            db.inTransaction(c -> {
                event(outbox, c, "e-before", "shop");
                try (Connection other = db.dataSource().getConnection()) {
                    other.setAutoCommit(true);
                    rules.put(other, new RuleRow("late", "arn:aws:events:eu-west-1:123456789012:rule/late", SHOP, null, "ENABLED", null, null,
                            NOW, null));
                    rules.putTarget(other, "late", "hook", Json.read("{\"Id\":\"hook\",\"Arn\":\"https://hooks.example/late\"}"));
                }
                event(outbox, c, "e-same-transaction", "shop");
                return null;
            });
            assertThat(deliveredEvents(db)).isEmpty();
            // The next transaction, at once on whichever connection the pool hands out, routes by the rule.
            db.inTransaction(c -> {
                event(outbox, c, "e-after", "shop");
                return null;
            });
            assertThat(deliveredEvents(db)).containsExactly("e-after -> https://hooks.example/late");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aRowTheRouterFailsOnIsLeftToTheDispatcherWithoutFailingItsWriter(String kind) {
        try (Database db = open(kind)) {
            rule(db, "broken", "this is not an event pattern");
            Outbox outbox = routingOutbox();
            db.inTransaction(c -> {
                event(outbox, c, "e-1", "shop");
                return null;
            });
            assertThat(outboxRows(db, false)).containsExactly("e-1");
            assertThat(deliveredEvents(db)).isEmpty();

            // Once the rule is mended, the dispatcher routes the row it was left.
            db.inTransaction(c -> Queries.update(c, "UPDATE eventbridge_rule SET event_pattern = ? WHERE name = 'broken'", SHOP));
            assertThat(dispatcher(db, outbox).routeAll()).isEqualTo(1);
            assertThat(outboxRows(db, false)).isEmpty();
            assertThat(deliveredEvents(db)).containsExactly("e-1 -> https://hooks.example/broken");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void theDispatcherStillRoutesRowsWrittenUnrouted(String kind) {
        try (Database db = open(kind)) {
            rule(db, "shop-watch", SHOP);
            Outbox plain = new Outbox();
            db.inTransaction(c -> {
                event(plain, c, "e-old", "shop");
                return null;
            });
            assertThat(outboxRows(db, false)).containsExactly("e-old");
            assertThat(deliveredEvents(db)).isEmpty();
            assertThat(dispatcher(db, plain).routeAll()).isEqualTo(1);
            assertThat(outboxRows(db, true)).containsExactly("e-old");
            assertThat(deliveredEvents(db)).containsExactly("e-old -> https://hooks.example/shop-watch");
        }
    }

    private Dispatcher dispatcher(Database db, Outbox outbox) {
        return new Dispatcher(db, outbox, deliveries, new Router(new SnsFanout(new Topics()), () -> "http://conveyor.test"), null,
                DeliveryPolicy.defaults(), CLOCK, Duration.ofSeconds(1), () -> { }, () -> { });
    }
}
