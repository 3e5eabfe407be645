package dev.conveyor.server;

import dev.conveyor.testkit.Await;
import java.time.Duration;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.codebuild.model.EnvironmentType;
import software.amazon.awssdk.services.codebuild.model.ComputeType;
import software.amazon.awssdk.services.codebuild.model.ProjectEnvironment;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The AWS SDK's CodeBuild, SSM and Secrets Manager clients pointed at a test server, and build helpers. */
final class CodeBuildClients implements AutoCloseable {
    final CodeBuildClient codeBuild;
    final SsmClient ssm;
    final SecretsManagerClient secrets;

    CodeBuildClients(String endpoint) {
        codeBuild = ServerFixture.sdkClient(CodeBuildClient.builder(), endpoint);
        ssm = ServerFixture.sdkClient(SsmClient.builder(), endpoint);
        secrets = ServerFixture.sdkClient(SecretsManagerClient.builder(), endpoint);
    }

    /** A Linux container environment with a curated image: builds run on the host. */
    static ProjectEnvironment hostEnvironment() {
        return ProjectEnvironment.builder().type(EnvironmentType.LINUX_CONTAINER).image("aws/codebuild/standard:7.0")
                .computeType(ComputeType.BUILD_GENERAL1_SMALL).build();
    }

    Build build(String id) {
        return codeBuild.batchGetBuilds(r -> r.ids(id)).builds().getFirst();
    }

    /** Waits until the build is complete and returns it. */
    Build awaitComplete(String id) {
        return Await.await(() -> build(id), Build::buildComplete, Duration.ofSeconds(60), "build " + id + " to complete");
    }

    @Override
    public void close() {
        for (SdkClient client : new SdkClient[] {codeBuild, ssm, secrets}) {
            client.close();
        }
    }
}
