package dev.conveyor.engine.rules;

import dev.conveyor.store.Database;
import dev.conveyor.store.ModuleSchema;

/**
 * The tables of stage conditions, rules, stage retries and rollbacks: migrated from {@code db/conditions} with a
 * history table of their own (see {@link ModuleSchema}), so the store's own migrations are not renumbered.
 */
public final class ConditionsSchema {
    private static final ModuleSchema SCHEMA = new ModuleSchema("db/conditions", "conditions_schema_history", 2);

    private ConditionsSchema() {
    }

    public static void migrate(Database database) {
        SCHEMA.migrate(database);
    }
}
