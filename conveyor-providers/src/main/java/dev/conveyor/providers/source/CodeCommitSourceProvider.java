package dev.conveyor.providers.source;

import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Source/AWS/CodeCommit: branch {@code BranchName} of repository {@code RepositoryName} hosted by the Conveyor
 * server itself (the local CodeCommit), fetched over the server's git URL so that an agent on another host reads
 * it too. Output variables as CodeCommit's: CommitId, CommitMessage, AuthorDate, CommitterDate, BranchName,
 * RepositoryName. A COMMIT_ID override (or the commit a push started the execution with) picks the commit.
 */
public final class CodeCommitSourceProvider implements ActionProvider {
    public static final ActionTypeId TYPE = new ActionTypeId("Source", "AWS", "CodeCommit", "1");

    @Override
    public ActionTypeId actionTypeId() {
        return TYPE;
    }

    @Override
    public JobOutcome run(ActionJob job) throws InterruptedException {
        Map<String, String> config = job.configuration();
        String repository = config.get("RepositoryName");
        String branch = config.get("BranchName");
        try {
            GitRemote remote = GitRemote.of(job);
            GitSources.Fetched fetched = GitSources.fetch(job, remote.url(), null, branch, config.get("OutputArtifactFormat"));
            GitSources.Commit commit = fetched.commit();
            Map<String, String> variables = new LinkedHashMap<>();
            variables.put("CommitId", commit.id());
            variables.put("CommitMessage", commit.message());
            variables.put("AuthorDate", commit.authorDate().toString());
            variables.put("CommitterDate", commit.committerDate().toString());
            variables.put("BranchName", fetched.branch());
            variables.put("RepositoryName", repository);
            String url = GitSources.commitUrl(remote, commit.id());
            String summary = Summaries.clip(commit.message());
            return new JobOutcome.Success(summary, commit.id(), url, null, variables, List.of(fetched.produced()),
                    new JobOutcome.CurrentRevision(commit.id(), commit.id(), commit.committerDate(), summary, url), null);
        } catch (SourceFailure failure) {
            job.log().line(failure.getMessage());
            return failure.outcome();
        }
    }
}
