package dev.conveyor.providers;

import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.providers.codebuild.CodeBuildProvider;
import dev.conveyor.providers.commands.CommandsProvider;
import dev.conveyor.providers.source.CodeCommitSourceProvider;
import dev.conveyor.providers.source.CodeStarConnectionSourceProvider;
import dev.conveyor.providers.source.GitHubSourceProvider;
import dev.conveyor.providers.source.S3SourceProvider;
import java.util.List;

/** The registry of built-in providers an agent runs: adding a provider is adding it here. */
public final class BuiltInProviders {
    private BuiltInProviders() {
    }

    /** Every built-in provider, reading sources from {@code objects}, running jobs' commands in {@code sandbox}. */
    public static List<ActionProvider> all(ObjectStore objects, dev.conveyor.providers.sandbox.JobSandbox sandbox) {
        List<ActionProvider> all = new java.util.ArrayList<>(sources(objects));
        all.addAll(workers(sandbox));
        return List.copyOf(all);
    }

    /** The source providers: they run on the server, next to what they read, as CodePipeline runs its sources. */
    public static List<ActionProvider> sources(ObjectStore objects) {
        return List.of(new S3SourceProvider(objects), new CodeCommitSourceProvider(), new CodeStarConnectionSourceProvider(),
                new GitHubSourceProvider());
    }

    /** The providers that do builds and other work: they run on any agent, embedded or remote. */
    public static List<ActionProvider> workers(dev.conveyor.providers.sandbox.JobSandbox sandbox) {
        return List.of(new CommandsProvider(sandbox), new CodeBuildProvider(CodeBuildProvider.BUILD, sandbox),
                new CodeBuildProvider(CodeBuildProvider.TEST, sandbox),
                new dev.conveyor.providers.deploy.CodeDeployProvider());
    }
}
