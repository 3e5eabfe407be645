package dev.conveyor.iam.store;

import dev.conveyor.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Brings IAM's tables to the current version. They are migrated by this module from its own location
 * ({@code db/iam}) with a history table of its own, so that the store's migration sequence (V1, V2, … without gaps,
 * checked at every start) and IAM's evolve without renumbering each other. Runs after the store's migrations.
 */
public final class IamSchema {
    static final int LATEST_MIGRATION = 10;
    private static final String HISTORY_TABLE = "iam_schema_history";

    private IamSchema() {
    }

    public static void migrate(Database database) {
        if (upToDate(database.dataSource())) {
            return; // Flyway's loading takes about a second; skip it when nothing is to do (as the store does)
        }
        Flyway.configure().dataSource(database.dataSource()).locations("classpath:db/iam").table(HISTORY_TABLE)
                // The schema already holds the store's tables: start IAM's own history below its first version.
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
