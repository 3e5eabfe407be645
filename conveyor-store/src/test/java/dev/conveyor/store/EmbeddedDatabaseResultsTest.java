package dev.conveyor.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database keeps no query's rows once they are read: H2 would otherwise keep, in every cached statement
 * of every pooled session, the rows it last returned, to hand them back if the same query came again before a write
 * (issue 20: that held executions' histories on the heap). A deterministic function that counts its calls tells
 * whether a repeated query ran again or was answered from kept rows.
 */
public class EmbeddedDatabaseResultsTest { // public: H2 calls countedCall
    private static final AtomicInteger CALLS = new AtomicInteger();

    /** Called by H2 through the alias below, once per row it evaluates. */
    public static int countedCall(int value) {
        CALLS.incrementAndGet();
        return value;
    }

    @TempDir
    Path dir;

    @Test
    void aRepeatedQueryRunsAgainRatherThanReturningRowsKeptFromBefore() {
        try (Database db = Database.embedded(dir)) {
            int before = db.read(c -> {
                try (var s = c.createStatement()) {
                    s.execute("CREATE ALIAS IF NOT EXISTS counted_call DETERMINISTIC FOR \""
                            + EmbeddedDatabaseResultsTest.class.getName() + ".countedCall\"");
                }
                int start = CALLS.get();
                assertThat(query(c)).isEqualTo(42);
                assertThat(query(c)).isEqualTo(42); // the same statement, same parameter, no write between
                return start;
            });

            assertThat(CALLS.get() - before).as("calls of the function: the second query ran too").isEqualTo(2);
        }
    }

    private static int query(Connection c) throws SQLException {
        try (var s = c.prepareStatement("SELECT counted_call(?)")) {
            s.setInt(1, 42);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
