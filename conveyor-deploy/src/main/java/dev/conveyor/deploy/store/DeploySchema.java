package dev.conveyor.deploy.store;

import dev.conveyor.store.Database;
import dev.conveyor.store.ModuleSchema;

/** The deployments' tables: migrated from {@code db/deploy} with a history table of their own (see {@link ModuleSchema}). */
public final class DeploySchema {
    private static final ModuleSchema SCHEMA = new ModuleSchema("db/deploy", "deploy_schema_history", 1);

    private DeploySchema() {
    }

    public static void migrate(Database database) {
        SCHEMA.migrate(database);
    }
}
