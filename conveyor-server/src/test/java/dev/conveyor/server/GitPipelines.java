package dev.conveyor.server;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStore;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStoreType;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineTriggerDeclaration;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;

/** Builders for pipelines whose source is git: CodeCommit (hosted), a connection, or GitHub version 1. */
final class GitPipelines {
    private GitPipelines() {
    }

    static ActionDeclaration codeCommit(String repository, String branch, boolean poll, String format) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("RepositoryName", repository);
        config.put("BranchName", branch);
        config.put("PollForSourceChanges", Boolean.toString(poll));
        if (format != null) {
            config.put("OutputArtifactFormat", format);
        }
        return source("CodeCommit", ActionOwner.AWS, config);
    }

    static ActionDeclaration connection(String connectionArn, String repository, String branch, String format) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("ConnectionArn", connectionArn);
        config.put("FullRepositoryId", repository);
        config.put("BranchName", branch);
        if (format != null) {
            config.put("OutputArtifactFormat", format);
        }
        return source("CodeStarSourceConnection", ActionOwner.AWS, config);
    }

    static ActionDeclaration gitHub(String owner, String repo, String branch, boolean poll) {
        return source("GitHub", ActionOwner.THIRD_PARTY, Map.of("Owner", owner, "Repo", repo, "Branch", branch,
                "OAuthToken", "not-needed-locally", "PollForSourceChanges", Boolean.toString(poll)));
    }

    static ActionDeclaration source(String provider, ActionOwner owner, Map<String, String> configuration) {
        return ActionDeclaration.builder().name("Source")
                .actionTypeId(ActionTypeId.builder().category(ActionCategory.SOURCE).owner(owner).provider(provider).version("1").build())
                .configuration(configuration).outputArtifacts(OutputArtifact.builder().name("SourceOutput").build())
                .namespace("SourceVariables").runOrder(1).build();
    }

    /** A V2 pipeline: the source, then a Build stage running {@code commands} in the source. */
    static PipelineDeclaration pipeline(String name, ActionDeclaration source, PipelineTriggerDeclaration trigger, String... commands) {
        PipelineDeclaration.Builder builder = PipelineDeclaration.builder().name(name).pipelineType("V2").executionMode("QUEUED")
                .roleArn("arn:aws:iam::111111111111:role/conveyor")
                .artifactStore(ArtifactStore.builder().type(ArtifactStoreType.S3).location("conveyor-test-artifacts").build())
                .stages(StageDeclaration.builder().name("Source").actions(source).build(),
                        StageDeclaration.builder().name("Build").actions(ExecutionFixtures.commands("Build", 1, commands)).build());
        if (trigger != null) {
            builder.triggers(trigger);
        }
        return builder.build();
    }
}
