package dev.conveyor.providers.source;

import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Source/AWS/CodeStarSourceConnection: branch {@code BranchName} of {@code FullRepositoryId} on the git server
 * that {@code ConnectionArn} names; the server resolves the connection to a URL when it queues the job. Output
 * variables as CodePipeline's: AuthorDate, BranchName, CommitId, CommitMessage, ConnectionArn,
 * FullRepositoryName, ProviderType; the revision summary is the JSON CodePipeline shows for connections.
 */
public final class CodeStarConnectionSourceProvider implements ActionProvider {
    public static final ActionTypeId TYPE = new ActionTypeId("Source", "AWS", BuiltInActionTypes.CODESTAR_SOURCE_CONNECTION, "1");

    @Override
    public ActionTypeId actionTypeId() {
        return TYPE;
    }

    @Override
    public JobOutcome run(ActionJob job) throws InterruptedException {
        Map<String, String> config = job.configuration();
        String branch = config.get("BranchName");
        try {
            GitRemote remote = GitRemote.of(job);
            GitSources.Fetched fetched = GitSources.fetch(job, remote.url(), null, branch, config.get("OutputArtifactFormat"));
            GitSources.Commit commit = fetched.commit();
            String providerType = remote.providerType() == null ? "" : remote.providerType();
            Map<String, String> variables = new LinkedHashMap<>();
            variables.put("AuthorDate", commit.authorDate().toString());
            variables.put("BranchName", fetched.branch());
            variables.put("CommitId", commit.id());
            variables.put("CommitMessage", commit.message());
            variables.put("ConnectionArn", config.get("ConnectionArn"));
            variables.put("FullRepositoryName", config.get("FullRepositoryId"));
            variables.put("ProviderType", providerType);
            String summary = Summaries.clip(ConveyorJson.mapper().createObjectNode().put("ProviderType", providerType)
                    .put("CommitMessage", commit.message()).toString());
            String url = GitSources.commitUrl(remote, commit.id());
            return new JobOutcome.Success(summary, commit.id(), url, null, variables, List.of(fetched.produced()),
                    new JobOutcome.CurrentRevision(commit.id(), commit.id(), commit.committerDate(), summary, url), null);
        } catch (SourceFailure failure) {
            job.log().line(failure.getMessage());
            return failure.outcome();
        }
    }
}
