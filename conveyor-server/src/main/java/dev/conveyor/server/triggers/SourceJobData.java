package dev.conveyor.server.triggers;

import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.providers.source.CodeCommitSourceProvider;
import dev.conveyor.providers.source.CodeStarConnectionSourceProvider;
import dev.conveyor.providers.source.GitHubSourceProvider;
import dev.conveyor.providers.source.GitRemote;
import dev.conveyor.server.connections.ConnectionResolver;
import dev.conveyor.server.connections.UnresolvableSourceException;
import dev.conveyor.server.git.HostedRepositories;
import dev.conveyor.server.git.ServerAddress;
import java.util.Optional;

/**
 * Tells git source jobs where their repository is, as each job is queued (the engine's job-data contributors):
 * a CodeCommit source gets this server's clone URL of the hosted repository, a connection or GitHub source the
 * URL its connection resolves to. An unresolvable source gets the reason instead, and its action fails with it.
 */
public final class SourceJobData {
    private SourceJobData() {
    }

    public static void register(ExecutionEngine engine, ServerAddress address, HostedRepositories repositories,
                                ConnectionResolver connections) {
        engine.contributeJobData(CodeCommitSourceProvider.TYPE, (pipeline, action, config) -> {
            Optional<String> name = HostedRepositories.normalize(config.get("RepositoryName"));
            if (name.isEmpty()) {
                return GitRemote.unresolvable("'" + config.get("RepositoryName") + "' is not a valid repository name");
            }
            if (!repositories.exists(name.get())) {
                return GitRemote.unresolvable("Repository " + name.get() + " does not exist on this server; a git push to "
                        + address.repositoryUrl(name.get()).orElse("/v1/repos/" + name.get()) + " creates it");
            }
            Optional<String> url = address.repositoryUrl(name.get());
            String directory = repositories.readableUrl(name.get());
            // Read internally (sources run on this server): hosted git over HTTP asks for credentials (issue 14).
            return url.isPresent()
                    ? new GitRemote(url.get(), url.get() + "/commit/", null).readFrom(directory).toJson()
                    : new GitRemote(directory, null, null).toJson();
        });
        engine.contributeJobData(CodeStarConnectionSourceProvider.TYPE, (pipeline, action, config) -> {
            try {
                return internal(connections.resolve(config.get("ConnectionArn"), config.get("FullRepositoryId")), repositories).toJson();
            } catch (UnresolvableSourceException e) {
                return GitRemote.unresolvable(e.getMessage());
            }
        });
        engine.contributeJobData(GitHubSourceProvider.TYPE, (pipeline, action, config) -> {
            try {
                return internal(connections.github(config.get("Owner"), config.get("Repo")), repositories).toJson();
            } catch (UnresolvableSourceException e) {
                return GitRemote.unresolvable(e.getMessage());
            }
        });
    }

    /** A connection's remote; one of this server's repositories is read in-process (readableUrl) rather than over HTTP. */
    private static GitRemote internal(ConnectionResolver.Resolved resolved, HostedRepositories repositories) {
        GitRemote remote = resolved.remote();
        return resolved.hostedRepository() == null ? remote
                : remote.readFrom(repositories.readableUrl(resolved.hostedRepository()));
    }
}
