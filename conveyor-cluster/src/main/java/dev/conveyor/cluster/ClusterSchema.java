package dev.conveyor.cluster;

import dev.conveyor.store.Database;
import dev.conveyor.store.ModuleSchema;

/** The cluster's tables: migrated from {@code db/cluster} with a history table of their own (see {@link ModuleSchema}). */
public final class ClusterSchema {
    private static final ModuleSchema SCHEMA = new ModuleSchema("db/cluster", "cluster_schema_history", 3);

    private ClusterSchema() {
    }

    public static void migrate(Database database) {
        SCHEMA.migrate(database);
    }
}
