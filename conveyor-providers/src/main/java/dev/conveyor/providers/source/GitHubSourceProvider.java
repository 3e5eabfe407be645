package dev.conveyor.providers.source;

import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.Map;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Source/ThirdParty/GitHub (version 1): branch {@code Branch} of {@code Owner/Repo}, on github.com or on the
 * GitHub-type host the server resolves it to; {@code OAuthToken} authenticates https fetches. Output variables as
 * CodePipeline's: AuthorDate, BranchName, CommitId, CommitMessage, CommitterDate, CommitUrl, RepositoryName.
 */
public final class GitHubSourceProvider extends GitSourceProvider {
    public static final ActionTypeId TYPE = new ActionTypeId("Source", "ThirdParty", "GitHub", "1");

    public GitHubSourceProvider() {
        super(TYPE, "Branch");
    }

    /** Version 1 sources always produce a zip of the code. */
    @Override
    String outputFormat(Map<String, String> config) {
        return null;
    }

    /** The token, unless it is missing or the "****" that GetPipeline shows in place of a secret. */
    @Override
    CredentialsProvider credentials(Map<String, String> config) {
        String token = config.get("OAuthToken");
        return token == null || token.isBlank() || "****".equals(token) ? null : new UsernamePasswordCredentialsProvider("x-access-token", token);
    }

    @Override
    Map<String, String> variables(Map<String, String> config, GitRemote remote, GitSources.Fetched fetched, String commitUrl) {
        Map<String, String> variables = commitVariables(fetched);
        variables.put("CommitterDate", fetched.commit().committerDate().toString());
        variables.put("CommitUrl", commitUrl);
        variables.put("RepositoryName", config.get("Repo"));
        return variables;
    }
}
