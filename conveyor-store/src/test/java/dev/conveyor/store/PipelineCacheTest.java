package dev.conveyor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.model.errors.PipelineNotFoundException;
import dev.conveyor.store.changes.ChangeFeed;
import dev.conveyor.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads of a pipeline's latest version come from memory, and memory never outlives a write: in this process, and
 * on PostgreSQL in another process sharing the database (two {@link Database} pools stand for two replicas).
 */
class PipelineCacheTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static PipelineRepository.NewVersion json(String marker) {
        return new PipelineRepository.NewVersion("V2", "QUEUED", "{\"marker\":\"" + marker + "\"}");
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aWriteInThisProcessIsReadBackAtOnce(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            var repo = new PipelineRepository(db, new TagRepository(db, 50));
            await(() -> db.changes().reliable()); // PostgreSQL's listener connects in the background
            AtomicInteger heard = new AtomicInteger();
            repo.subscribe(new ChangeFeed.Listener() {
                @Override
                public void changed(String key) {
                    heard.incrementAndGet();
                }

                @Override
                public void gap() {
                }
            });
            repo.create("p", "arn:p", json("v1"), List.of(), T0);
            assertThat(repo.get("p", null).declarationJson()).contains("v1");
            // On PostgreSQL the writer's own NOTIFY comes back a moment later and evicts the copy once: wait for it,
            // or the two reads below may straddle it.
            int heardPerWrite = "postgresql".equals(kind) ? 2 : 1;
            await(() -> heard.get() == heardPerWrite);
            assertThat(repo.get("p", null)).isSameAs(repo.get("p", null)); // the second read came from memory

            repo.update("p", v -> json("v" + v), T0.plusSeconds(1));
            assertThat(repo.get("p", null).declarationJson()).contains("v2");

            repo.delete("p");
            assertThatThrownBy(() -> repo.get("p", null)).isInstanceOf(PipelineNotFoundException.class);
            repo.create("p", "arn:p", json("again"), List.of(), T0.plusSeconds(2));
            assertThat(repo.get("p", null).version()).isEqualTo(1);
            assertThat(repo.get("p", null).declarationJson()).contains("again");
        }
    }

    @Test
    void anotherReplicasWriteEvictsThisReplicasCopy() throws Exception {
        try (Replicas replicas = Replicas.withPipelineP()) {
            var one = replicas.one;
            var two = replicas.two;
            assertThat(one.get("p", null).declarationJson()).contains("v1");
            // The create's own notification may still be on its way and evict the first copy; then it stays.
            await(() -> one.get("p", null) == one.get("p", null));

            two.update("p", v -> json("v" + v), T0.plusSeconds(1));
            await(() -> one.get("p", null).declarationJson().contains("v2"));

            two.delete("p");
            await(() -> {
                try {
                    one.get("p", null);
                    return false;
                } catch (PipelineNotFoundException gone) {
                    return true;
                }
            });
        }
    }

    @Test
    void anotherReplicasDeletionRetiresThePipelinesVersionsAndItsUpdatesDoNot() throws Exception {
        try (Replicas replicas = Replicas.withPipelineP()) {
            List<String> retired = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();
            replicas.one.subscribeToRetirements(new ChangeFeed.Listener() {
                @Override
                public void changed(String key) {
                    retired.add(key);
                }

                @Override
                public void gap() {
                    retired.add("(gap)");
                }
            });
            replicas.one.subscribe(new ChangeFeed.Listener() {
                @Override
                public void changed(String key) {
                    written.add(key);
                }

                @Override
                public void gap() {
                }
            });
            replicas.two.update("p", v -> json("v" + v), T0.plusSeconds(1));
            replicas.two.create("q", "arn:q", json("q"), List.of(), T0);
            await(() -> written.containsAll(List.of("p", "q")));
            replicas.two.delete("q");
            await(() -> retired.contains("q"));
            assertThat(retired).as("only the deletion retires versions").containsExactly("q");
        }
    }

    @Test
    void aReplicaThatLosesItsListeningConnectionForgetsWhatItKept() throws Exception {
        try (Replicas replicas = Replicas.withPipelineP()) {
            var one = replicas.one;
            var two = replicas.two;
            Database first = replicas.first;
            StoredPipeline kept = one.get("p", null);

            // Cut every listening connection, as a network failure would; a change made meanwhile is not heard.
            try (Connection c = replicas.second.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"
                        + " AND datname = current_database() AND pid <> pg_backend_pid()");
            }
            two.update("p", v -> json("v" + v), T0.plusSeconds(1));

            await(() -> !first.changes().reliable()); // the feed noticed (it waits a second before reconnecting)
            assertThat(one.get("p", null).declarationJson()).contains("v2"); // unreliable: read from the database
            await(() -> first.changes().reliable()); // listening again, after telling the cache of the gap
            StoredPipeline now = one.get("p", null);
            assertThat(now).isNotSameAs(kept);
            assertThat(now.declarationJson()).contains("v2");
        }
    }

    /** Two pools on one PostgreSQL database, as two server replicas have, each with its repository; "p" exists. */
    private record Replicas(Database first, Database second, PipelineRepository one, PipelineRepository two)
            implements AutoCloseable {
        static Replicas withPipelineP() throws InterruptedException {
            String url = TestDatabases.freshUrl("postgresql");
            Database first = Database.open(url);
            Database second = Database.open(url);
            var replicas = new Replicas(first, second, new PipelineRepository(first, new TagRepository(first, 50)),
                    new PipelineRepository(second, new TagRepository(second, 50)));
            await(() -> first.changes().reliable() && second.changes().reliable());
            replicas.two.create("p", "arn:p", json("v1"), List.of(), T0);
            return replicas;
        }

        @Override
        public void close() {
            first.close();
            second.close();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
