package dev.conveyor.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ActionTypeId;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStore;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStoreType;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;

/** The watchers' wake-up: an execution's SSE stream, signed with SigV4, delivers the execution's events. */
class ExecutionEventsTest {
    @Test
    void theStreamWakesTheWatcherWithTheExecutionsEvents() throws Exception {
        try (ConveyorServer server = new ConveyorServer(ServerConfig.embedded(Files.createTempDirectory("conveyor-cli-events-"), 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).start();
             CodePipelineClient client = CodePipelineClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                             TestCredentials.SECRET_ACCESS_KEY)))
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            ActionDeclaration source = ActionDeclaration.builder().name("Source")
                    .actionTypeId(ActionTypeId.builder().category(ActionCategory.SOURCE).owner(ActionOwner.AWS).provider("S3").version("1").build())
                    .configuration(Map.of("S3Bucket", "no-such-bucket", "S3ObjectKey", "app.zip", "PollForSourceChanges", "false"))
                    .outputArtifacts(OutputArtifact.builder().name("Out").build()).build();
            ActionDeclaration approval = ActionDeclaration.builder().name("Approve")
                    .actionTypeId(ActionTypeId.builder().category(ActionCategory.APPROVAL).owner(ActionOwner.AWS).provider("Manual").version("1").build())
                    .build();
            client.createPipeline(r -> r.pipeline(PipelineDeclaration.builder().name("streamed").pipelineType("V2")
                    .roleArn("arn:aws:iam::111111111111:role/conveyor")
                    .artifactStore(ArtifactStore.builder().type(ArtifactStoreType.S3).location("artifacts").build())
                    .stages(StageDeclaration.builder().name("Source").actions(source).build(),
                            StageDeclaration.builder().name("Gate").actions(approval).build()).build()));
            String id = client.listPipelineExecutions(r -> r.pipelineName("streamed")).pipelineExecutionSummaries().getFirst().pipelineExecutionId();
            try (ExecutionEvents events = new ExecutionEvents(HttpClient.newHttpClient(), URI.create(server.endpoint()),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)),
                    "us-east-1", "streamed", id)) {
                assertThat(events.await(Duration.ofSeconds(30))).as("an event of the execution").isTrue();
            }
        }
    }
}
