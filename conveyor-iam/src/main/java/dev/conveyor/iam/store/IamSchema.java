package dev.conveyor.iam.store;

import dev.conveyor.store.Database;
import dev.conveyor.store.ModuleSchema;

/** IAM's tables: migrated from {@code db/iam} with a history table of their own (see {@link ModuleSchema}). */
public final class IamSchema {
    private static final ModuleSchema SCHEMA = new ModuleSchema("db/iam", "iam_schema_history", 11);

    private IamSchema() {
    }

    public static void migrate(Database database) {
        SCHEMA.migrate(database);
    }
}
