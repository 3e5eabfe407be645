package dev.conveyor.events;

import dev.conveyor.store.Database;
import dev.conveyor.store.ModuleSchema;

/** The events' tables: migrated from {@code db/events} with a history table of their own (see {@link ModuleSchema}). */
public final class EventsSchema {
    private static final ModuleSchema SCHEMA = new ModuleSchema("db/events", "events_schema_history", 1);

    private EventsSchema() {
    }

    public static void migrate(Database database) {
        SCHEMA.migrate(database);
    }
}
