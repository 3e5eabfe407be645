package dev.conveyor.cloudwatch.store;

import dev.conveyor.store.Database;
import dev.conveyor.store.ModuleSchema;

/** CloudWatch's tables: migrated from {@code db/cloudwatch} with a history table of their own (see {@link ModuleSchema}). */
public final class CloudWatchSchema {
    private static final ModuleSchema SCHEMA = new ModuleSchema("db/cloudwatch", "cloudwatch_schema_history", 1);

    private CloudWatchSchema() {
    }

    public static void migrate(Database database) {
        SCHEMA.migrate(database);
    }
}
