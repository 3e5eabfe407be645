package dev.conveyor.functions.store;

import dev.conveyor.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Brings the functions' tables to the current version, from this module's own location ({@code db/functions}) with a
 * history table of its own, so that the store's and IAM's migration sequences and this one never renumber each other.
 * Runs after the store's migrations.
 */
public final class FunctionsSchema {
    static final int LATEST_MIGRATION = 1;
    private static final String HISTORY_TABLE = "functions_schema_history";

    private FunctionsSchema() {
    }

    public static void migrate(Database database) {
        if (upToDate(database.dataSource())) {
            return; // Flyway's loading takes about a second; skip it when nothing is to do
        }
        Flyway.configure().dataSource(database.dataSource()).locations("classpath:db/functions").table(HISTORY_TABLE)
                .baselineOnMigrate(true).baselineVersion("0")
                .failOnMissingLocations(true).load().migrate();
    }

    static boolean upToDate(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); var s = c.createStatement();
             var r = s.executeQuery("SELECT MAX(CAST(version AS INTEGER)), MIN(CASE WHEN success THEN 1 ELSE 0 END) FROM "
                     + HISTORY_TABLE + " WHERE version IS NOT NULL")) {
            return r.next() && r.getInt(1) == LATEST_MIGRATION && r.getInt(2) == 1;
        } catch (SQLException e) {
            return false; // no history yet
        }
    }
}
