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
        return all(objects, sandbox, () -> null);
    }

    /** {@link #all(ObjectStore, dev.conveyor.providers.sandbox.JobSandbox)}, with links to the server at {@code endpoint}. */
    public static List<ActionProvider> all(ObjectStore objects, dev.conveyor.providers.sandbox.JobSandbox sandbox,
                                           java.util.function.Supplier<String> endpoint) {
        List<ActionProvider> all = new java.util.ArrayList<>(onServer(objects, endpoint));
        all.addAll(workers(sandbox));
        return List.copyOf(all);
    }

    /**
     * The providers that always run on the server, next to the object store they read or write: the sources, and the
     * S3 deploy action (its links point at {@code endpoint}, the server's public URL, when it supplies one).
     */
    public static List<ActionProvider> onServer(ObjectStore objects, java.util.function.Supplier<String> endpoint) {
        List<ActionProvider> all = new java.util.ArrayList<>(sources(objects));
        all.add(new dev.conveyor.providers.deploy.S3DeployProvider(objects, endpoint));
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
