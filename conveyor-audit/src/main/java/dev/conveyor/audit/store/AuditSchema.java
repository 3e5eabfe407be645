package dev.conveyor.audit.store;

import dev.conveyor.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Brings the audit trail's tables to the current version, from this module's own location ({@code db/audit}) with a
 * history table of its own, as conveyor-iam does: the store's and IAM's migration sequences stay untouched.
 */
public final class AuditSchema {
    static final int LATEST_MIGRATION = 1;
    private static final String HISTORY_TABLE = "audit_schema_history";

    private AuditSchema() {
    }

    public static void migrate(Database database) {
        if (upToDate(database.dataSource())) {
            return; // Flyway's loading takes about a second; skip it when nothing is to do
        }
        Flyway.configure().dataSource(database.dataSource()).locations("classpath:db/audit").table(HISTORY_TABLE)
                // The schema already holds other modules' tables: start this history below its first version.
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
