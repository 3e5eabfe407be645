package dev.conveyor.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.testkit.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A database is migrated to the bundled schema when opened, and one already there is recognised as such, so that
 * starts skip Flyway; any doubt (a migration missing or failed) hands the decision back to Flyway.
 */
class DatabaseMigrationsTest {
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.+\\.sql");

    @Test
    void theNewestMigrationIsTheOneTheStartKnows() throws IOException {
        List<Integer> versions;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            versions = files.map(f -> MIGRATION.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1))).sorted().toList();
        }
        assertThat(versions).as("migrations V1… with no gap").isEqualTo(IntStream.rangeClosed(1, versions.size()).boxed().toList());
        assertThat(Database.LATEST_MIGRATION).isEqualTo(versions.getLast());
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void anOpenedDatabaseIsUpToDateUntilItsHistoryLacksAMigration(String kind) throws SQLException {
        String url = TestDatabases.freshUrl(kind);
        try (Database db = Database.open(url)) {
            assertThat(Database.upToDate(db.dataSource())).isTrue();
            try (Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
                s.executeUpdate("UPDATE flyway_schema_history SET success = FALSE WHERE version = '" + Database.LATEST_MIGRATION + "'");
                assertThat(Database.upToDate(db.dataSource())).as("the newest migration failed").isFalse();
                s.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '" + Database.LATEST_MIGRATION + "'");
                assertThat(Database.upToDate(db.dataSource())).as("the newest migration missing").isFalse();
            }
        }
        try (Database reopened = Database.open(TestDatabases.freshUrl(kind))) {
            try (Connection c = reopened.dataSource().getConnection(); var s = c.createStatement()) {
                s.execute("DROP TABLE flyway_schema_history");
            }
            assertThat(Database.upToDate(reopened.dataSource())).as("no history at all").isFalse();
        }
    }

    /** Skipping Flyway at a start must not skip its validation: a migration edited after it was applied is refused. */
    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aDatabaseWhoseAppliedMigrationChangedIsRefused(String kind) throws SQLException {
        String url = TestDatabases.freshUrl(kind);
        try (Database db = Database.open(url); Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
            s.executeUpdate("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
            assertThat(Database.upToDate(db.dataSource())).isFalse();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Database.open(url).close())
                .isInstanceOf(org.flywaydb.core.api.exception.FlywayValidateException.class).hasMessageContaining("checksum");
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void reopeningADatabaseAtTheBundledSchemaKeepsItsData(String kind) throws SQLException {
        String url = TestDatabases.freshUrl(kind);
        try (Database db = Database.open(url)) {
            db.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    return s.executeUpdate("INSERT INTO s3_bucket (name, versioning, created_at) VALUES ('kept', 'Enabled', 0)");
                }
            });
        }
        try (Database again = Database.open(url)) {
            int buckets = again.read(c -> {
                try (var s = c.createStatement(); var r = s.executeQuery("SELECT COUNT(*) FROM s3_bucket WHERE name = 'kept'")) {
                    r.next();
                    return r.getInt(1);
                }
            });
            assertThat(buckets).isEqualTo(1);
        }
    }

    /**
     * A rolling upgrade (docs/operations.md): the next release's first replica migrated the database one step further;
     * a replica of this version, restarting meanwhile, opens it as it is and works on it.
     */
    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aDatabaseTheNextReleaseMigratedFurtherIsOpenedAsItIs(String kind, @org.junit.jupiter.api.io.TempDir Path next) throws Exception {
        String url = TestDatabases.freshUrl(kind);
        Database.open(url).close();
        int nextVersion = Database.LATEST_MIGRATION + 1;
        Files.writeString(next.resolve("V" + nextVersion + "__next_release.sql"), """
                CREATE TABLE next_release_widget (id INTEGER PRIMARY KEY);
                ALTER TABLE s3_bucket ADD COLUMN next_release_note VARCHAR(100);
                """);
        org.flywaydb.core.Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration", "filesystem:" + next)
                .load().migrate();

        try (Database db = Database.open(url)) {
            db.inTransaction(c -> {
                try (var s = c.createStatement()) {
                    return s.executeUpdate("INSERT INTO s3_bucket (name, versioning, created_at) VALUES ('beside', 'Enabled', 0)");
                }
            });
            int newest = db.read(c -> {
                try (var s = c.createStatement(); var r = s.executeQuery("SELECT MAX(CAST(version AS INTEGER)) FROM flyway_schema_history")) {
                    r.next();
                    return r.getInt(1);
                }
            });
            assertThat(newest).as("the next release's migration stays applied").isEqualTo(nextVersion);
        }
    }
}
