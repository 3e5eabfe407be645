package dev.conveyor.server.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestDatabases;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * Authentication answers from memory, yet a key deactivated or deleted is refused as soon as UpdateAccessKey or
 * DeleteAccessKey returns on the server that changed it, and on another server sharing the PostgreSQL database as
 * soon as its change feed delivers the change; a policy taken away applies the same way.
 */
class RevokedKeyTest {
    private static final String READ = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "codepipeline:List*", "Resource": "*"}]}""";

    @TempDir
    Path dir;

    @Test
    void aKeyDeactivatedOrDeletedIsRefusedAsSoonAsTheCallReturns() {
        try (ConveyorServer server = start(dir.resolve("a"), null); IamClient iam = iam(server)) {
            AwsCredentials key = user(iam, "dave");
            try (CodePipelineClient asDave = pipelines(server, key)) {
                asDave.listPipelines();
                asDave.listPipelines(); // now answered from memory
                iam.updateAccessKey(r -> r.userName("dave").accessKeyId(key.accessKeyId()).status("Inactive"));
                assertRefused(asDave, "UnrecognizedClientException");
                iam.updateAccessKey(r -> r.userName("dave").accessKeyId(key.accessKeyId()).status("Active"));
                asDave.listPipelines();
                iam.deleteUserPolicy(r -> r.userName("dave").policyName("read"));
                assertRefused(asDave, "AccessDeniedException");
                iam.putUserPolicy(r -> r.userName("dave").policyName("read").policyDocument(READ));
                asDave.listPipelines();
                iam.deleteAccessKey(r -> r.userName("dave").accessKeyId(key.accessKeyId()));
                assertRefused(asDave, "UnrecognizedClientException");
            }
        }
    }

    @Test
    void anotherServerOnTheSameDatabaseRefusesARevokedKeyOnceItsChangeFeedDeliversTheChange() {
        String url = TestDatabases.freshUrl("postgresql");
        try (ConveyorServer first = start(dir.resolve("a"), url); ConveyorServer second = start(dir.resolve("b"), url);
             IamClient iam = iam(first)) {
            AwsCredentials key = user(iam, "erin");
            try (CodePipelineClient onFirst = pipelines(first, key); CodePipelineClient onSecond = pipelines(second, key)) {
                onFirst.listPipelines();
                onSecond.listPipelines();
                onSecond.listPipelines(); // now answered from the second server's memory
                iam.updateAccessKey(r -> r.userName("erin").accessKeyId(key.accessKeyId()).status("Inactive"));
                assertRefused(onFirst, "UnrecognizedClientException");
                Await.await(() -> refusal(onSecond), "UnrecognizedClientException"::equals, Duration.ofSeconds(10),
                        "the second server to refuse the deactivated key");
                iam.deleteAccessKey(r -> r.userName("erin").accessKeyId(key.accessKeyId()));
                assertRefused(onFirst, "UnrecognizedClientException");
                assertRefused(onSecond, "UnrecognizedClientException");
            }
        }
    }

    private static String refusal(CodePipelineClient client) {
        try {
            client.listPipelines();
            return "accepted";
        } catch (AwsServiceException e) {
            return e.awsErrorDetails().errorCode();
        }
    }

    private static void assertRefused(CodePipelineClient client, String errorCode) {
        assertThatThrownBy(client::listPipelines).isInstanceOfSatisfying(AwsServiceException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode));
    }

    private static ConveyorServer start(Path dataDir, String databaseUrl) {
        ServerConfig config = ServerConfig.embedded(dataDir, 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY));
        return new ConveyorServer(databaseUrl == null ? config : config.withDatabaseUrl(databaseUrl)).start();
    }

    private static IamClient iam(ConveyorServer server) {
        return IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY))).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static CodePipelineClient pipelines(ConveyorServer server, AwsCredentials credentials) {
        return CodePipelineClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryPolicy(software.amazon.awssdk.core.retry.RetryPolicy.none())).build();
    }

    private static AwsCredentials user(IamClient iam, String name) {
        iam.createUser(r -> r.userName(name));
        iam.putUserPolicy(r -> r.userName(name).policyName("read").policyDocument(READ));
        AccessKey key = iam.createAccessKey(r -> r.userName(name)).accessKey();
        return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
    }
}
