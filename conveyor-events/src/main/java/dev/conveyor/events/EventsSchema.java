package dev.conveyor.events;

import dev.conveyor.engine.rules.ConditionsSchema;
import dev.conveyor.store.Database;
import dev.conveyor.store.ModuleSchema;

/** The events' tables: migrated from {@code db/events} with a history table of their own (see {@link ModuleSchema}). */
public final class EventsSchema {
    private static final ModuleSchema SCHEMA = new ModuleSchema("db/events", "events_schema_history", 1);

    private EventsSchema() {
    }

    /** Also migrates the engine's condition tables, which the outbox recorder reads (the engine does too: idempotent). */
    public static void migrate(Database database) {
        ConditionsSchema.migrate(database);
        SCHEMA.migrate(database);
    }
}
