package dev.conveyor.audit.store;

import dev.conveyor.store.Database;
import dev.conveyor.store.ModuleSchema;

/** The audit trail's tables: migrated from {@code db/audit} with a history table of their own (see {@link ModuleSchema}). */
public final class AuditSchema {
    private static final ModuleSchema SCHEMA = new ModuleSchema("db/audit", "audit_schema_history", 1);

    private AuditSchema() {
    }

    public static void migrate(Database database) {
        SCHEMA.migrate(database);
    }
}
