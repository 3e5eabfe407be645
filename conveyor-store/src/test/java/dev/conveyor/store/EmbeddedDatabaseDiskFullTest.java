package dev.conveyor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.conveyor.testkit.PostgresServer;
import dev.conveyor.testkit.SmallFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedded database on a disk that fills up: H2 closes the database when a write of its file fails, and it
 * must not stay closed once the disk has room again. While the disk is full a write fails as a storage fault (which
 * the APIs answer with a retriable error) and leaves nothing behind; once space returns, the same {@link Database}
 * serves again, with everything committed before.
 */
class EmbeddedDatabaseDiskFullTest {
    @Test
    void aFullDiskFailsWritesAsUnavailableAndTheDatabaseServesAgainOnceThereIsRoom() {
        try (SmallFilesystem disk = SmallFilesystem.mount(24); Database db = Database.embedded(disk.dir())) {
            insertBucket(db, "before");
            disk.fill();

            // Until a write needs a page of the file that is not there yet, H2 may still find room inside it.
            List<String> written = new ArrayList<>(List.of("before"));
            Throwable failure = null;
            for (int i = 0; i < 1000 && failure == null; i++) {
                String name = "during-" + i;
                failure = catchThrowable(() -> insertBucket(db, name));
                if (failure == null) {
                    written.add(name);
                }
            }
            assertThat(failure).as("a write on a full disk").isInstanceOf(StoreException.class);
            assertThat(StorageFaults.isUnavailable(failure)).as("a storage fault: %s", failure).isTrue();

            disk.free();
            insertBucket(db, "after");
            written.add("after");
            assertThat(bucketNames(db)).as("what was committed, and nothing of the failed write")
                    .containsExactlyInAnyOrderElementsOf(written);
            assertThat(db.answers()).isTrue();
        }
    }

    @Test
    void otherFailuresAreNotStorageFaults() throws Exception {
        Path dir = Files.createTempDirectory("conveyor-faults-");
        try (Database db = Database.embedded(dir)) {
            insertBucket(db, "twice");
            Throwable duplicate = catchThrowable(() -> insertBucket(db, "twice"));
            assertThat(duplicate).isInstanceOf(StoreException.class);
            assertThat(StorageFaults.isUnavailable(duplicate)).isFalse();
            Throwable badSql = catchThrowable(() -> db.read(c -> c.createStatement().executeQuery("SELECT nothing FROM nowhere")));
            assertThat(StorageFaults.isUnavailable(badSql)).isFalse();
            assertThat(db.answers()).isTrue();
        } finally {
            PostgresServer.deleteRecursively(dir);
        }
    }

    private static void insertBucket(Database db, String name) {
        db.inTransaction(c -> {
            try (var s = c.prepareStatement("INSERT INTO s3_bucket (name, versioning, created_at) VALUES (?, NULL, 0)")) {
                s.setString(1, name);
                return s.executeUpdate();
            }
        });
    }

    private static List<String> bucketNames(Database db) {
        return db.read(c -> {
            List<String> names = new ArrayList<>();
            try (var s = c.createStatement(); var r = s.executeQuery("SELECT name FROM s3_bucket")) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            return names;
        });
    }
}
