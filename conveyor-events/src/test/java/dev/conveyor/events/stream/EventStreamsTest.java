package dev.conveyor.events.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.events.EventsSchema;
import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A live stream never skips an event whose transaction commits after a later one's (seqs are taken at insert, not at
 * commit), and is not held back for long by a transaction that rolled back: on the embedded database and PostgreSQL,
 * with real concurrent transactions.
 */
class EventStreamsTest {
    private static final Instant T0 = Instant.parse("2026-12-07T02:00:00Z");
    private final Outbox outbox = new Outbox();

    private void add(java.sql.Connection c, String pipeline, String detailType, Instant now) throws java.sql.SQLException {
        outbox.add(c, UUID.randomUUID().toString(), "EVENT", pipeline, "e-1", detailType, null, null, "{}", now);
    }

    private static List<String> types(List<OutboxRow> rows) {
        return rows.stream().map(OutboxRow::detailType).toList();
    }

    /** A transaction that wrote one event and waits, open, until {@code release}; it rolls back if {@code rollBack}. */
    private CompletableFuture<Void> openTransaction(Database db, String detailType, Instant now, CountDownLatch written,
                                                   CountDownLatch release, boolean rollBack) {
        return CompletableFuture.runAsync(() -> {
            try {
                db.inTransaction(c -> {
                    add(c, "app", detailType, now);
                    written.countDown();
                    try {
                        if (!release.await(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("never released");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                    if (rollBack) {
                        throw new IllegalStateException("rolled back on purpose");
                    }
                    return null;
                });
            } catch (IllegalStateException e) {
                if (!rollBack) {
                    throw e;
                }
            }
        });
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void anEventCommittedAfterALaterOneIsStillSentAndInOrder(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            EventsSchema.migrate(db);
            MovableClock clock = MovableClock.at(T0);
            EventStreams streams = new EventStreams(db, outbox, clock);
            db.inTransaction(c -> {
                add(c, "app", "first", T0);
                return null;
            });
            EventStreams.Cursor everyPipeline = streams.cursor(null, null, 0);
            EventStreams.Cursor onePipeline = streams.cursor("app", null, 0);
            assertThat(types(everyPipeline.next())).containsExactly("first");
            assertThat(types(onePipeline.next())).containsExactly("first");

            CountDownLatch written = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> slow = openTransaction(db, "slow", T0, written, release, false);
            assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
            db.inTransaction(c -> {
                add(c, "app", "fast", T0);
                add(c, "other", "fast-elsewhere", T0);
                return null;
            });
            assertThat(everyPipeline.next()).as("nothing passes the open transaction's seq").isEmpty();
            assertThat(onePipeline.next()).isEmpty();

            release.countDown();
            slow.get(30, TimeUnit.SECONDS);
            assertThat(types(everyPipeline.next())).containsExactly("slow", "fast", "fast-elsewhere");
            assertThat(types(onePipeline.next())).containsExactly("slow", "fast");
            assertThat(everyPipeline.next()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aRolledBackTransactionsSeqHoldsTheStreamBackOnlyUntilItIsOld(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            EventsSchema.migrate(db);
            MovableClock clock = MovableClock.at(T0);
            EventStreams streams = new EventStreams(db, outbox, clock);
            EventStreams.Cursor cursor = streams.cursor("app", null, 0);

            CountDownLatch written = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> failing = openTransaction(db, "rolled-back", T0, written, release, true);
            assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
            db.inTransaction(c -> {
                add(c, "app", "after", T0);
                return null;
            });
            release.countDown();
            failing.get(30, TimeUnit.SECONDS);

            assertThat(cursor.next()).as("the gap may still be a transaction in flight").isEmpty();
            clock.advance(EventStreams.GAP_WAIT.minus(Duration.ofMillis(1)));
            assertThat(cursor.next()).isEmpty();
            clock.advance(Duration.ofMillis(1));
            assertThat(types(cursor.next())).containsExactly("after");

            // A stream resumed long after (Last-Event-ID 0) passes old gaps at once.
            assertThat(types(streams.cursor("app", null, 0).next())).containsExactly("after");
        }
    }
}
