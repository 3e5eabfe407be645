package dev.conveyor.server.conditions;

import dev.conveyor.artifacts.ObjectArtifactStore;
import dev.conveyor.engine.EngineConfig;
import dev.conveyor.engine.rules.RuleProviders;
import dev.conveyor.functions.Functions;
import dev.conveyor.server.protocol.JsonService;

/** Registers the rule providers that need the server's services with the engine. */
public final class ServerRules {
    private ServerRules() {
    }

    public static void register(RuleProviders providers, Functions functions, JsonService codeBuild, ObjectArtifactStore artifacts,
                                EngineConfig config) {
        providers.register(new LambdaInvokeRule(functions));
        providers.register(new CodeBuildRule(codeBuild));
        providers.register(new CommandsRule(artifacts, config.workspacesDir().resolve("rules")));
    }
}
