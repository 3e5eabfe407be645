package dev.conveyor.providers.source;

import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Source/ThirdParty/GitHub (version 1): branch {@code Branch} of {@code Owner/Repo}, on github.com or on the
 * GitHub-type host the server resolves it to; {@code OAuthToken} authenticates https fetches. Output variables as
 * CodePipeline's: AuthorDate, BranchName, CommitId, CommitMessage, CommitterDate, CommitUrl, RepositoryName.
 */
public final class GitHubSourceProvider implements ActionProvider {
    public static final ActionTypeId TYPE = new ActionTypeId("Source", "ThirdParty", "GitHub", "1");

    @Override
    public ActionTypeId actionTypeId() {
        return TYPE;
    }

    @Override
    public JobOutcome run(ActionJob job) throws InterruptedException {
        Map<String, String> config = job.configuration();
        String branch = config.get("Branch");
        String token = config.get("OAuthToken");
        CredentialsProvider credentials = token == null || token.isBlank() || "****".equals(token)
                ? null : new UsernamePasswordCredentialsProvider("x-access-token", token);
        try {
            GitRemote remote = GitRemote.of(job);
            GitSources.Fetched fetched = GitSources.fetch(job, remote.url(), credentials, branch, null);
            GitSources.Commit commit = fetched.commit();
            String url = GitSources.commitUrl(remote, commit.id());
            Map<String, String> variables = new LinkedHashMap<>();
            variables.put("AuthorDate", commit.authorDate().toString());
            variables.put("BranchName", fetched.branch());
            variables.put("CommitId", commit.id());
            variables.put("CommitMessage", commit.message());
            variables.put("CommitterDate", commit.committerDate().toString());
            variables.put("CommitUrl", url);
            variables.put("RepositoryName", config.get("Repo"));
            String summary = Summaries.clip(commit.message());
            return new JobOutcome.Success(summary, commit.id(), url, null, variables, List.of(fetched.produced()),
                    new JobOutcome.CurrentRevision(commit.id(), commit.id(), commit.committerDate(), summary, url), null);
        } catch (SourceFailure failure) {
            job.log().line(failure.getMessage());
            return failure.outcome();
        }
    }
}
