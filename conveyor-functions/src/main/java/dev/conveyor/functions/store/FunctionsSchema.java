package dev.conveyor.functions.store;

import dev.conveyor.store.Database;
import dev.conveyor.store.ModuleSchema;

/** The functions' tables: migrated from {@code db/functions} with a history table of their own (see {@link ModuleSchema}). */
public final class FunctionsSchema {
    private static final ModuleSchema SCHEMA = new ModuleSchema("db/functions", "functions_schema_history", 1);

    private FunctionsSchema() {
    }

    public static void migrate(Database database) {
        SCHEMA.migrate(database);
    }
}
