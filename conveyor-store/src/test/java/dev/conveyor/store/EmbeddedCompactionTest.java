package dev.conveyor.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database's file does not keep a chunk per commit: {@link EmbeddedCompaction} rewrites the live pages of
 * sparse chunks, as H2's background writer would if {@code WRITE_DELAY=0} did not keep it from starting (issue 20:
 * 39,500 chunks after 10,000 pipelines, their metadata in the heap and read by every start). The chunk count is H2's
 * own ({@link Database#embeddedFile()}); what was committed must read back the same before and
 * after the rewrite, and after a reopening.
 */
class EmbeddedCompactionTest {
    private static final int ROWS = 200;
    private static final int COMMITS = 3_000;

    @TempDir
    Path dir;

    @Test
    void sparseChunksAreRewrittenAndTheCommittedRowsReadBackTheSame() throws SQLException {
        long expectedSum;
        long compacted;
        try (Database db = Database.embedded(dir)) {
            db.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    s.execute("CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT NOT NULL)");
                    s.execute("INSERT INTO counter SELECT \"X\", 0 FROM SYSTEM_RANGE(1, " + ROWS + ")");
                }
                return null;
            });
            // One commit per update, as the server commits one request at a time: each writes a chunk of its own.
            for (int i = 0; i < COMMITS; i++) {
                int id = 1 + (i * 37) % ROWS;
                int step = i;
                db.inTransaction(c -> {
                    try (var s = c.prepareStatement("UPDATE counter SET n = n + ? WHERE id = ?")) {
                        s.setInt(1, step);
                        s.setInt(2, id);
                        return s.executeUpdate();
                    }
                });
            }
            expectedSum = (long) COMMITS * (COMMITS - 1) / 2;
            assertThat(sum(db)).isEqualTo(expectedSum);
            long before = chunkCount(db);
            // H2 rewrites and drops only chunks older than its retention time (45 s by default), so until now the
            // background runs found nothing to do; without the wait, the test takes the retention time away.
            assertThat(before).as("chunks before any rewrite").isGreaterThan(COMMITS / 2);
            db.read(c -> {
                try (var s = c.createStatement()) {
                    return s.execute("SET RETENTION_TIME 0");
                }
            });

            // The background run does the same every 2 s; calling it here makes the test independent of the clock.
            for (int run = 0; run < 20 && EmbeddedCompaction.compactOnce(db.dataSource()); run++) {
                touch(db); // a commit after the rewrite lets H2 drop the chunks it emptied
            }
            touch(db);
            compacted = chunkCount(db);
            assertThat(compacted).as("chunks after rewriting (were %d)", before).isLessThan(before / 10);
            assertThat(sum(db)).isEqualTo(expectedSum);
            EmbeddedFile file = db.embeddedFile().orElseThrow();
            assertThat(file.sizeBytes()).isPositive();
            assertThat(file.chunksFillPercent()).isBetween(0, 100);
        }
        try (Database reopened = Database.embedded(dir)) {
            assertThat(sum(reopened)).isEqualTo(expectedSum);
            assertThat(chunkCount(reopened)).isLessThanOrEqualTo(compacted + 2);
        }
    }

    private static void touch(Database db) {
        db.inTransaction(c -> {
            try (var s = c.createStatement()) {
                return s.executeUpdate("UPDATE counter SET n = n WHERE id = 1");
            }
        });
    }

    private static long sum(Database db) {
        return db.read(c -> {
            try (var s = c.createStatement(); var r = s.executeQuery("SELECT SUM(n), COUNT(*) FROM counter")) {
                r.next();
                assertThat(r.getInt(2)).isEqualTo(ROWS);
                return r.getLong(1);
            }
        });
    }

    private static long chunkCount(Database db) {
        return db.embeddedFile().orElseThrow().chunks();
    }
}
