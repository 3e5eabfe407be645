package dev.conveyor.server;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStore;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStoreType;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;

/** Pipeline declarations for API tests, built with the SDK's own builders; tests modify them with toBuilder(). */
final class SamplePipelines {
    private SamplePipelines() {
    }

    static ActionDeclaration s3Source() {
        return ActionDeclaration.builder().name("Source")
                .actionTypeId(type(ActionCategory.SOURCE, "S3"))
                .configuration(Map.of("S3Bucket", "awscodepipeline-demo-bucket", "S3ObjectKey", "aws-codepipeline-s3-aws-codedeploy_linux.zip",
                        "PollForSourceChanges", "false"))
                .inputArtifacts(List.of())
                .outputArtifacts(OutputArtifact.builder().name("MyApp").build())
                .runOrder(1).build();
    }

    static ActionDeclaration codeDeploy() {
        return ActionDeclaration.builder().name("CodePipelineDemoFleet")
                .actionTypeId(type(ActionCategory.DEPLOY, "CodeDeploy"))
                .configuration(Map.of("ApplicationName", "CodePipelineDemoApplication", "DeploymentGroupName", "CodePipelineDemoFleet"))
                .inputArtifacts(InputArtifact.builder().name("MyApp").build())
                .outputArtifacts(List.of())
                .runOrder(1).build();
    }

    /**
     * The pipeline of the AWS CLI's create-pipeline example: S3 source, CodeDeploy to a beta fleet; like the
     * example, its actions give runOrder and both artifact lists (empty ones as []).
     */
    static PipelineDeclaration cliExample(String name) {
        return PipelineDeclaration.builder()
                .name(name)
                .roleArn("arn:aws:iam::111111111111:role/AWS-CodePipeline-Service")
                .artifactStore(ArtifactStore.builder().type(ArtifactStoreType.S3).location("codepipeline-us-east-1-11EXAMPLE11").build())
                .stages(StageDeclaration.builder().name("Source").actions(s3Source()).build(),
                        StageDeclaration.builder().name("Beta").actions(codeDeploy()).build())
                .build();
    }

    static ActionTypeId type(ActionCategory category, String provider) {
        return ActionTypeId.builder().category(category).owner(ActionOwner.AWS).provider(provider).version("1").build();
    }
}
