package dev.conveyor.server.audit;

import dev.conveyor.testkit.TestCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.iam.identity.AdministratorBootstrap;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.TestDatabases;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.InvalidLookupAttributesException;
import software.amazon.awssdk.services.cloudtrail.model.InvalidNextTokenException;
import software.amazon.awssdk.services.cloudtrail.model.InvalidTimeRangeException;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineNotFoundException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The audit trail through CloudTrail's LookupEvents with the AWS SDK for Java v2, on both databases: who did what
 * (the IAM user's name, ARN and key), failures kept, successful reads not, filters, time range and pagination, and
 * the secrets put through SSM and Secrets Manager nowhere in any event.
 */
class AuditTrailApiTest {
    private static final String SSM_SECRET = "ssm-s3cr3t-value-4711";
    private static final String SM_SECRET = "sm-s3cr3t-value-0815";
    private static final String SM_SECRET_2 = "sm-s3cr3t-rotated-1234";

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void lookupEventsShowsWhoDidWhatWithoutTheSecrets(String kind) throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("conveyor-audit-");
        ServerConfig base = ServerConfig.embedded(dataDir, 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY));
        ServerConfig config = "h2".equals(kind) ? base : base.withDatabaseUrl(TestDatabases.freshUrl(kind));
        try (ConveyorServer server = new ConveyorServer(config).start()) {
            String endpoint = server.endpoint();
            AwsCredentials admin = adminCredentials(dataDir);
            AccessKey aliceKey;
            try (IamClient iam = client(IamClient.builder(), endpoint, admin).region(Region.AWS_GLOBAL).build()) {
                String aliceArn = iam.createUser(b -> b.userName("alice")).user().arn();
                assertThat(aliceArn).isEqualTo("arn:aws:iam::000000000000:user/alice");
                aliceKey = iam.createAccessKey(b -> b.userName("alice")).accessKey();
                iam.putUserPolicy(b -> b.userName("alice").policyName("secrets-and-reads").policyDocument("""
                        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                          "Action": ["ssm:*", "secretsmanager:*", "codepipeline:Get*"], "Resource": "*"}]}"""));
            }
            AwsCredentials alice = AwsBasicCredentials.create(aliceKey.accessKeyId(), aliceKey.secretAccessKey());
            try (SsmClient ssm = client(SsmClient.builder(), endpoint, alice).build();
                 SecretsManagerClient secrets = client(SecretsManagerClient.builder(), endpoint, alice).build();
                 CodePipelineClient codePipeline = client(CodePipelineClient.builder(), endpoint, alice).build();
                 CloudTrailClient cloudTrail = client(CloudTrailClient.builder(), endpoint, admin).build()) {
                ssm.putParameter(b -> b.name("/app/db-password").value(SSM_SECRET).type(ParameterType.SECURE_STRING));
                assertThat(ssm.getParameter(b -> b.name("/app/db-password").withDecryption(true)).parameter().value()).isEqualTo(SSM_SECRET);
                secrets.createSecret(b -> b.name("prod/api").secretString(SM_SECRET));
                secrets.putSecretValue(b -> b.secretId("prod/api").secretString(SM_SECRET_2));
                assertThatThrownBy(() -> codePipeline.getPipeline(b -> b.name("no-such-pipeline")))
                        .isInstanceOf(PipelineNotFoundException.class);

                List<Event> byAlice = Await.await(() -> lookup(cloudTrail, LookupAttributeKey.USERNAME, "alice"), events -> events.size() == 4,
                        Duration.ofSeconds(20), "alice's four recorded calls");
                assertThat(byAlice).extracting(Event::eventName)
                        .as("newest first; the successful GetParameter is a read and not kept, the failed GetPipeline is")
                        .containsExactly("GetPipeline", "PutSecretValue", "CreateSecret", "PutParameter");
                assertThat(byAlice).allSatisfy(e -> {
                    assertThat(e.accessKeyId()).isEqualTo(aliceKey.accessKeyId());
                    assertThat(e.username()).isEqualTo("alice");
                    assertThat(e.readOnly()).isEqualTo(Boolean.toString(e.eventName().startsWith("Get")));
                    JsonNode record = ConveyorJson.read(e.cloudTrailEvent(), JsonNode.class);
                    assertThat(record.path("userIdentity").path("type").asText()).isEqualTo("IAMUser");
                    assertThat(record.path("userIdentity").path("arn").asText()).isEqualTo("arn:aws:iam::000000000000:user/alice");
                    assertThat(record.path("sourceIPAddress").asText()).isEqualTo("127.0.0.1");
                    assertThat(record.path("userAgent").asText()).contains("aws-sdk-java");
                    assertThat(record.path("eventID").asText()).isEqualTo(e.eventId());
                });
                Event failed = byAlice.get(0);
                assertThat(failed.eventSource()).isEqualTo("codepipeline.amazonaws.com");
                assertThat(ConveyorJson.read(failed.cloudTrailEvent(), JsonNode.class).path("errorCode").asText())
                        .isEqualTo("PipelineNotFoundException");
                Event put = byAlice.get(3);
                assertThat(put.eventSource()).isEqualTo("ssm.amazonaws.com");
                assertThat(put.resources()).anySatisfy(r -> {
                    assertThat(r.resourceType()).isEqualTo("AWS::SSM::Parameter");
                    assertThat(r.resourceName()).isEqualTo("/app/db-password");
                });
                JsonNode putParameters = ConveyorJson.read(put.cloudTrailEvent(), JsonNode.class).path("requestParameters");
                assertThat(putParameters.path("name").asText(putParameters.path("Name").asText())).isEqualTo("/app/db-password");
                assertThat(putParameters.path("Value").asText()).isEqualTo("HIDDEN_DUE_TO_SECURITY_REASONS");

                // The administrator's own IAM calls are there too, under its user name.
                assertThat(lookup(cloudTrail, LookupAttributeKey.EVENT_NAME, "CreateAccessKey")).singleElement().satisfies(e -> {
                    assertThat(e.eventSource()).isEqualTo("iam.amazonaws.com");
                    assertThat(e.username()).isEqualTo("admin");
                    assertThat(e.resources()).anySatisfy(r -> assertThat(r.resourceName()).isEqualTo("alice"));
                });
                assertThat(lookup(cloudTrail, LookupAttributeKey.RESOURCE_NAME, "prod/api")).extracting(Event::eventName)
                        .containsExactly("PutSecretValue", "CreateSecret");
                assertThat(lookup(cloudTrail, LookupAttributeKey.ACCESS_KEY_ID, aliceKey.accessKeyId())).hasSize(4);
                assertThat(lookup(cloudTrail, LookupAttributeKey.READ_ONLY, "true")).extracting(Event::eventName).containsExactly("GetPipeline");

                // Pages of two, through the SDK's paginator, give the same events in the same order as one page.
                List<Event> everything = cloudTrail.lookupEvents(b -> b.maxResults(50)).events();
                assertThat(everything).as("CreateUser, CreateAccessKey, PutUserPolicy and alice's four").hasSize(7);
                List<String> paged = new ArrayList<>();
                cloudTrail.lookupEventsPaginator(b -> b.maxResults(2)).forEach(page -> {
                    assertThat(page.events().size()).isLessThanOrEqualTo(2);
                    page.events().forEach(e -> paged.add(e.eventId()));
                });
                assertThat(paged).containsExactlyElementsOf(everything.stream().map(Event::eventId).toList());

                // A time range: nothing after now; StartTime after EndTime is refused.
                Instant later = Instant.now().plusSeconds(3600);
                assertThat(cloudTrail.lookupEvents(b -> b.startTime(later)).events()).isEmpty();
                assertThat(cloudTrail.lookupEvents(b -> b.startTime(Instant.now().minusSeconds(3600)).endTime(later)).events())
                        .hasSameSizeAs(everything);
                assertThatThrownBy(() -> cloudTrail.lookupEvents(b -> b.startTime(later).endTime(Instant.now())))
                        .isInstanceOf(InvalidTimeRangeException.class).hasMessageContaining("StartTime");
                assertThatThrownBy(() -> cloudTrail.lookupEvents(b -> b.nextToken("not-a-token")))
                        .isInstanceOf(InvalidNextTokenException.class).hasMessageContaining("NextToken");
                assertThatThrownBy(() -> cloudTrail.lookupEvents(b -> b.lookupAttributes(a -> a.attributeKey(LookupAttributeKey.READ_ONLY)
                        .attributeValue("maybe")))).isInstanceOf(InvalidLookupAttributesException.class)
                        .hasMessageContaining("LookupAttributes[0].AttributeValue");

                // A request refused before it reached its operation (a malformed signature) is kept too.
                var malformed = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(endpoint))
                        .header("X-Amz-Target", "CodePipeline_20150709.DeletePipeline").header("Content-Type", "application/x-amz-json-1.1")
                        .header("Authorization", "AWS4-HMAC-SHA256 garbage")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\": \"p\"}")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(malformed.statusCode()).isEqualTo(400);
                Event refused = Await.await(() -> lookup(cloudTrail, LookupAttributeKey.EVENT_NAME, "DeletePipeline"), events -> !events.isEmpty(),
                        Duration.ofSeconds(20), "the refused DeletePipeline").get(0);
                assertThat(ConveyorJson.read(refused.cloudTrailEvent(), JsonNode.class).path("errorCode").asText())
                        .isEqualTo("IncompleteSignatureException");

                // No secret value anywhere in the trail.
                for (Event e : cloudTrail.lookupEvents(LookupEventsRequest.builder().maxResults(50).build()).events()) {
                    assertThat(e.toString() + e.cloudTrailEvent()).doesNotContain(SSM_SECRET, SM_SECRET, SM_SECRET_2,
                            aliceKey.secretAccessKey());
                }
            }
        }
    }

    private static List<Event> lookup(CloudTrailClient cloudTrail, LookupAttributeKey key, String value) {
        return cloudTrail.lookupEvents(b -> b.lookupAttributes(a -> a.attributeKey(key).attributeValue(value))).events();
    }

    private static <B extends AwsClientBuilder<B, ?>> B client(B builder, String endpoint, AwsCredentials credentials) {
        builder.endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials));
        ((software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?>) builder).httpClient(UrlConnectionHttpClient.create());
        return builder;
    }

    private static AwsCredentials adminCredentials(Path dataDir) throws IOException {
        Properties profile = new Properties();
        profile.load(Files.newBufferedReader(dataDir.resolve(AdministratorBootstrap.FILE_NAME)));
        return AwsBasicCredentials.create(profile.getProperty("aws_access_key_id"), profile.getProperty("aws_secret_access_key"));
    }
}
