package dev.conveyor.providers.source;

import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.Map;

/**
 * Source/AWS/CodeStarSourceConnection: branch {@code BranchName} of {@code FullRepositoryId} on the git server
 * that {@code ConnectionArn} names; the server resolves the connection to a URL when it queues the job. Output
 * variables as CodePipeline's: AuthorDate, BranchName, CommitId, CommitMessage, ConnectionArn,
 * FullRepositoryName, ProviderType; the revision summary is the JSON CodePipeline shows for connections.
 */
public final class CodeStarConnectionSourceProvider extends GitSourceProvider {
    public static final ActionTypeId TYPE = new ActionTypeId("Source", "AWS", BuiltInActionTypes.CODESTAR_SOURCE_CONNECTION, "1");

    public CodeStarConnectionSourceProvider() {
        super(TYPE, "BranchName");
    }

    @Override
    Map<String, String> variables(Map<String, String> config, GitRemote remote, GitSources.Fetched fetched, String commitUrl) {
        Map<String, String> variables = commitVariables(fetched);
        variables.put("ConnectionArn", config.get("ConnectionArn"));
        variables.put("FullRepositoryName", config.get("FullRepositoryId"));
        variables.put("ProviderType", providerType(remote));
        return variables;
    }

    @Override
    String summary(GitRemote remote, GitSources.Commit commit) {
        return Summaries.clip(ConveyorJson.mapper().createObjectNode().put("ProviderType", providerType(remote))
                .put("CommitMessage", commit.message()).toString());
    }

    private static String providerType(GitRemote remote) {
        return remote.providerType() == null ? "" : remote.providerType();
    }
}
