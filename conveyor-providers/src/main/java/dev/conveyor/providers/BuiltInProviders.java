package dev.conveyor.providers;

import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.providers.commands.CommandsProvider;
import dev.conveyor.providers.source.S3SourceProvider;
import java.util.List;

/** The registry of built-in providers an agent runs: adding a provider is adding it here. */
public final class BuiltInProviders {
    private BuiltInProviders() {
    }

    /** Every built-in provider, reading sources from {@code objects}. */
    public static List<ActionProvider> all(ObjectStore objects) {
        return List.of(new S3SourceProvider(objects), new CommandsProvider());
    }
}
