package dev.conveyor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.testkit.TestDatabases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A module's schema at its newest bundled migration is left alone without Flyway (issue 20: start to healthy), but only
 * when nothing is to do: a pending migration is still applied, and a migration edited after it was applied is still
 * refused. The test modules: {@code db/schema-test-v1} (V1) and {@code db/schema-test-v2} (the same V1, and V2).
 */
class ModuleSchemaTest {
    private static final ModuleSchema V1 = new ModuleSchema("db/schema-test-v1", "schema_test_history", 1);
    private static final ModuleSchema V2 = new ModuleSchema("db/schema-test-v2", "schema_test_history", 2);

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aPendingMigrationIsApplied(String kind) throws SQLException {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            V1.migrate(db);
            assertThat(V1.upToDate(db.dataSource())).isTrue();
            assertThat(V2.upToDate(db.dataSource())).as("V2 is pending").isFalse();

            V2.migrate(db);

            assertThat(V2.upToDate(db.dataSource())).isTrue();
            try (Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
                s.executeUpdate("INSERT INTO schema_test_widget (id, label) VALUES (1, 'added by V2')");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aMigrationChangedSinceItWasAppliedIsRefused(String kind) throws SQLException {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            V2.migrate(db);
            try (Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
                // As if V1's script had been edited after it ran: its recorded checksum no longer matches the bundled one.
                s.executeUpdate("UPDATE schema_test_history SET checksum = checksum + 1 WHERE version = '1'");
            }
            assertThat(V2.upToDate(db.dataSource())).isFalse();
            assertThatThrownBy(() -> V2.migrate(db)).isInstanceOf(FlywayValidateException.class).hasMessageContaining("checksum");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aFailedMigrationIsNotUpToDate(String kind) throws SQLException {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            V2.migrate(db);
            try (Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
                s.executeUpdate("UPDATE schema_test_history SET success = FALSE WHERE version = '2'");
            }
            assertThat(V2.upToDate(db.dataSource())).isFalse();
        }
    }

    /**
     * Flyway's treatment of line endings and a byte-order mark (that the sums equal the ones Flyway records is what
     * {@code upToDate} being true after Flyway's own migrate shows above).
     */
    @Test
    void checksumsAreFlywaysOwn() throws IOException {
        assertThat(AppliedMigrations.checksum(bytes("a\nb\n"))).isEqualTo(AppliedMigrations.checksum(bytes("a\r\nb")))
                .isEqualTo(AppliedMigrations.checksum(bytes("\uFEFFa\nb")))
                .isNotEqualTo(AppliedMigrations.checksum(bytes("a\nc\n")));
    }

    private static ByteArrayInputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
