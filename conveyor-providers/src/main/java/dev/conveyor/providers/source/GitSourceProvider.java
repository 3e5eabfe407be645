package dev.conveyor.providers.source;

import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * What the git sources (CodeCommit, CodeStar connections, GitHub version 1) do alike: fetch a branch from the
 * remote the server resolved for the job, and report the commit as the action's revision, with its web URL. Each
 * source says which configuration names the branch, how fetches authenticate, and which output variables and
 * revision summary its CodePipeline counterpart reports.
 */
abstract class GitSourceProvider implements ActionProvider {
    private final ActionTypeId type;
    private final String branchKey;

    /** @param branchKey the configuration property that names the branch */
    GitSourceProvider(ActionTypeId type, String branchKey) {
        this.type = type;
        this.branchKey = branchKey;
    }

    @Override
    public final ActionTypeId actionTypeId() {
        return type;
    }

    @Override
    public final JobOutcome run(ActionJob job) throws InterruptedException {
        Map<String, String> config = job.configuration();
        try {
            GitRemote remote = GitRemote.of(job);
            GitSources.Fetched fetched = GitSources.fetch(job, remote.url(), remote.fetchFrom(), credentials(config), config.get(branchKey), outputFormat(config));
            GitSources.Commit commit = fetched.commit();
            String url = GitSources.commitUrl(remote, commit.id());
            String summary = summary(remote, commit);
            return new JobOutcome.Success(summary, commit.id(), url, null, variables(config, remote, fetched, url),
                    List.of(fetched.produced()),
                    new JobOutcome.CurrentRevision(commit.id(), commit.id(), commit.committerDate(), summary, url), null);
        } catch (SourceFailure failure) {
            job.log().line(failure.getMessage());
            return failure.outcome();
        }
    }

    /** CODE_ZIP or CODEBUILD_CLONE_REF; null (CODE_ZIP) where the source has no choice. */
    String outputFormat(Map<String, String> config) {
        return config.get("OutputArtifactFormat");
    }

    /** How fetches authenticate; null when the URL and the host need nothing more. */
    CredentialsProvider credentials(Map<String, String> config) {
        return null;
    }

    /** The output variables, named and ordered as the source's CodePipeline counterpart reports them. */
    abstract Map<String, String> variables(Map<String, String> config, GitRemote remote, GitSources.Fetched fetched, String commitUrl);

    /** The commit's variables in the order CodePipeline's connection and GitHub sources report them; more may follow. */
    static Map<String, String> commitVariables(GitSources.Fetched fetched) {
        GitSources.Commit commit = fetched.commit();
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("AuthorDate", commit.authorDate().toString());
        variables.put("BranchName", fetched.branch());
        variables.put("CommitId", commit.id());
        variables.put("CommitMessage", commit.message());
        return variables;
    }

    /** The revision summary: the commit message, unless the source's counterpart shows something else. */
    String summary(GitRemote remote, GitSources.Commit commit) {
        return Summaries.clip(commit.message());
    }
}
