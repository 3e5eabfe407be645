package dev.conveyor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.store.Database;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.TestDatabases;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SingletonWorkTest {
    private static final List<String> TASKS = List.of(SingletonWork.SCHEDULES, SingletonWork.SWEEPS);

    @Test
    void eachTaskRunsOnExactlyOneReplicaAndMovesWhenItsHolderStops() {
        String url = TestDatabases.freshUrl("postgresql");
        try (Database a = Database.open(url); Database b = Database.open(url)) {
            SingletonWork first = SingletonWork.open(a, "a", TASKS);
            Await.await(first::held, held -> held.containsAll(TASKS), Duration.ofSeconds(10), "the first replica to take every task");
            try (SingletonWork second = SingletonWork.open(b, "b", TASKS)) {
                // The second replica keeps trying; as long as the first holds the locks it gets no task.
                assertThat(second.held()).isEmpty();
                assertThat(lockAttempts(b)).isEqualTo(TASKS.size());
                assertThat(first.held()).containsExactlyInAnyOrderElementsOf(TASKS);

                first.close(); // the holder goes: its session's locks are released
                Await.await(second::held, held -> held.containsAll(TASKS), Duration.ofSeconds(5), "the second replica to take over");
                assertThat(first.held()).isEmpty();
            }
        }
    }

    @Test
    void aDrainingReplicaHandsItsTasksOverAndTakesNoneBack() {
        String url = TestDatabases.freshUrl("postgresql");
        try (Database a = Database.open(url); Database b = Database.open(url);
             SingletonWork first = SingletonWork.open(a, "a", TASKS)) {
            Await.await(first::held, held -> held.containsAll(TASKS), Duration.ofSeconds(10), "the first replica to take every task");
            try (SingletonWork second = SingletonWork.open(b, "b", TASKS)) {
                first.release();
                assertThat(first.held()).isEmpty();
                Await.await(second::held, held -> held.containsAll(TASKS), Duration.ofSeconds(5), "the second replica to take over");
                second.close();
                assertThat(first.runsHere(SingletonWork.SCHEDULES)).isFalse(); // draining: never again
            }
        }
    }

    @Test
    void theEmbeddedDatabaseHasOneProcessWhichRunsEverything() {
        try (Database h2 = Database.open(TestDatabases.freshUrl("h2")); SingletonWork work = SingletonWork.open(h2, "only", TASKS)) {
            assertThat(work.held()).containsExactlyInAnyOrderElementsOf(TASKS);
            assertThat(work.gate(SingletonWork.SWEEPS).getAsBoolean()).isTrue();
        }
    }

    @Test
    void aTaskLockIsAPostgresAdvisoryLockOthersCanSee() {
        String url = TestDatabases.freshUrl("postgresql");
        try (Database a = Database.open(url); SingletonWork work = SingletonWork.open(a, "a", TASKS)) {
            Await.await(work::held, held -> held.containsAll(TASKS), Duration.ofSeconds(10), "the replica to take every task");
            assertThat(lockAttempts(a)).isEqualTo(TASKS.size());
        }
    }

    /** How many of Conveyor's advisory locks are granted in this database now. */
    private static int lockAttempts(Database db) {
        return db.read(c -> {
            try (var s = c.prepareStatement("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ? "
                    + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                s.setLong(1, SingletonWork.LOCK_CLASS);
                try (var r = s.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }
}
