package dev.conveyor.providers.source;

import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Source/AWS/CodeCommit: branch {@code BranchName} of repository {@code RepositoryName} hosted by the Conveyor
 * server itself (the local CodeCommit), fetched over the server's git URL so that an agent on another host reads
 * it too. Output variables as CodeCommit's: CommitId, CommitMessage, AuthorDate, CommitterDate, BranchName,
 * RepositoryName. A COMMIT_ID override (or the commit a push started the execution with) picks the commit.
 */
public final class CodeCommitSourceProvider extends GitSourceProvider {
    public static final ActionTypeId TYPE = new ActionTypeId("Source", "AWS", "CodeCommit", "1");

    public CodeCommitSourceProvider() {
        super(TYPE, "BranchName");
    }

    @Override
    Map<String, String> variables(Map<String, String> config, GitRemote remote, GitSources.Fetched fetched, String commitUrl) {
        GitSources.Commit commit = fetched.commit();
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("CommitId", commit.id());
        variables.put("CommitMessage", commit.message());
        variables.put("AuthorDate", commit.authorDate().toString());
        variables.put("CommitterDate", commit.committerDate().toString());
        variables.put("BranchName", fetched.branch());
        variables.put("RepositoryName", config.get("RepositoryName"));
        return variables;
    }
}
