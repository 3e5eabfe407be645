package dev.conveyor.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The tables of a service module (IAM, audit, functions…), migrated by that module from a location of its own with a
 * history table of its own, so that the store's migration sequence (V1, V2, … without gaps, checked at every start)
 * and each module's evolve without renumbering each other. Runs after the store's migrations.
 *
 * @param location        the classpath folder of the module's migrations, e.g. {@code db/iam}
 * @param historyTable    the module's Flyway history table, e.g. {@code iam_schema_history}
 * @param latestMigration the newest version in {@code location}: a schema at it is left alone without loading Flyway
 */
public record ModuleSchema(String location, String historyTable, int latestMigration) {
    public ModuleSchema {
        if (!historyTable.matches("[a-z_]+")) {
            throw new IllegalArgumentException("history table name " + historyTable); // it is pasted into SQL below
        }
    }

    /** Brings the module's tables to {@link #latestMigration}. */
    public void migrate(Database database) {
        if (upToDate(database.dataSource())) {
            return; // Flyway's loading takes about a second; skip it when nothing is to do (as the store does)
        }
        Flyway.configure().dataSource(database.dataSource()).locations("classpath:" + location).table(historyTable)
                // The schema already holds other modules' tables: start this history below its first version.
                .baselineOnMigrate(true).baselineVersion("0")
                // a newer release's migrations (rolling upgrade) are left alone, as the store's are (Database.open)
                .ignoreMigrationPatterns("*:future").failOnMissingLocations(true).load().migrate();
    }

    /** Every migration up to {@link #latestMigration} applied, none failed, none edited since (see {@link AppliedMigrations}). */
    boolean upToDate(DataSource dataSource) {
        return AppliedMigrations.current(dataSource, location, historyTable, latestMigration, -1);
    }
}
