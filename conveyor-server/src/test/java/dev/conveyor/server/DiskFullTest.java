package dev.conveyor.server;

import dev.conveyor.testkit.TestCredentials;

import static dev.conveyor.server.SamplePipelines.cliExample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.conveyor.iam.identity.AdministratorBootstrap;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.SmallFilesystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryPolicyContext;
import software.amazon.awssdk.core.retry.conditions.RetryCondition;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.CodePipelineException;
import software.amazon.awssdk.services.codepipeline.model.PipelineSummary;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The server on a disk that fills up (a small tmpfs holding the data directory and the embedded database). While the
 * disk is full, requests that must write answer each protocol's retriable error (CodePipeline's JSON, S3's XML and
 * IAM's query XML: a 503 {@code ServiceUnavailable}, which the SDK retries) and {@code /healthz} says the
 * server is not ready; once space returns, the same server serves again without a restart, with everything written
 * before and nothing of the refused writes.
 */
class DiskFullTest {
    private static final AwsBasicCredentials CREDENTIALS = AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY);

    @Test
    void aFullDiskAnswersRetriableErrorsAndTheServerServesAgainOnceThereIsRoom() throws Exception {
        try (SmallFilesystem disk = SmallFilesystem.mount(48)) {
            ConveyorServer server = new ConveyorServer(ServerConfig.embedded(disk.dir().resolve("data"), 0).withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).start();
            AtomicInteger s3Attempts = new AtomicInteger();
            try (CodePipelineClient codePipeline = ServerFixture.sdkClient(CodePipelineClient.builder()
                    .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry())), server.endpoint());
                 S3Client s3 = s3(server, s3Attempts);
                 IamClient iam = iam(server, disk.dir().resolve("data"))) {
                codePipeline.createPipeline(r -> r.pipeline(cliExample("before")));
                s3.createBucket(r -> r.bucket("kept"));
                s3.putObject(r -> r.bucket("kept").key("before.txt"), RequestBody.fromString("before"));
                assertThat(health(server).statusCode()).isEqualTo(200);

                disk.fill();

                // Until a write needs a page the disk does not have, the database may still find room in its file.
                List<String> created = new ArrayList<>(List.of("before"));
                CodePipelineException refused = null;
                for (int i = 0; i < 500 && refused == null; i++) {
                    String name = "during-" + i;
                    refused = catchThrowableOfType(CodePipelineException.class,
                            () -> codePipeline.createPipeline(r -> r.pipeline(cliExample(name))));
                    if (refused == null) {
                        created.add(name);
                    }
                }
                assertThat(refused).as("a CreatePipeline on a full disk").isNotNull();
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
                assertThat(refused.awsErrorDetails().errorMessage()).contains("retry").doesNotContain(disk.dir().toString());
                assertThat(AWS_RETRIES.shouldRetry(RetryPolicyContext.builder().exception(refused).httpStatusCode(503).build()))
                        .as("the AWS SDK retries it").isTrue();

                // A new object needs new pages whatever the database found: every attempt fails, and the SDK tries three.
                s3Attempts.set(0);
                S3Exception put = catchThrowableOfType(S3Exception.class,
                        () -> s3.putObject(r -> r.bucket("kept").key("during.txt"), RequestBody.fromString("during")));
                assertThat(put.statusCode()).isEqualTo(503);
                assertThat(put.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
                assertThat(s3Attempts.get()).as("attempts of the retrying S3 client").isEqualTo(3);

                // IAM's query protocol: its XML error, with the same 503.
                List<String> users = new ArrayList<>();
                IamException iamRefused = null;
                for (int i = 0; i < 500 && iamRefused == null; i++) {
                    String name = "user-" + i;
                    iamRefused = catchThrowableOfType(IamException.class, () -> iam.createUser(r -> r.userName(name)));
                    if (iamRefused == null) {
                        users.add(name);
                    }
                }
                assertThat(iamRefused).as("a CreateUser on a full disk").isNotNull();
                assertThat(iamRefused.statusCode()).isEqualTo(503);
                assertThat(iamRefused.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");

                HttpResponse<String> unhealthy = health(server);
                assertThat(unhealthy.statusCode()).isEqualTo(503);
                assertThat(unhealthy.body()).contains("disk is full").doesNotContain(disk.dir().toString());

                disk.free();

                Await.await(() -> health(server).statusCode(), status -> status == 200, Duration.ofSeconds(30), "/healthz to answer 200");
                codePipeline.createPipeline(r -> r.pipeline(cliExample("after")));
                created.add("after");
                assertThat(codePipeline.listPipelines(r -> r.maxResults(1000)).pipelines()).extracting(PipelineSummary::name)
                        .as("everything created, and nothing of the refused CreatePipeline")
                        .containsExactlyInAnyOrderElementsOf(created);
                assertThat(codePipeline.getPipeline(r -> r.name("before")).pipeline().name()).isEqualTo("before");
                String refusedUser = "user-" + users.size();
                assertThat(iam.listUsers().users()).extracting(User::userName).as("nothing of the refused CreateUser")
                        .containsAll(users).doesNotContain(refusedUser);
                s3.putObject(r -> r.bucket("kept").key("after.txt"), RequestBody.fromString("after"));
                assertThat(s3.getObjectAsBytes(r -> r.bucket("kept").key("before.txt")).asUtf8String()).isEqualTo("before");
                assertThat(s3.getObjectAsBytes(r -> r.bucket("kept").key("after.txt")).asUtf8String()).isEqualTo("after");
                assertThat(s3.listObjectsV2(r -> r.bucket("kept")).contents()).extracting(o -> o.key())
                        .containsExactlyInAnyOrder("before.txt", "after.txt");
            } finally {
                server.close();
            }
        }
    }

    /** The AWS SDK's own test of a retriable failure (its retryable status codes, throttling, clock skew). */
    private static final RetryCondition AWS_RETRIES = RetryCondition.defaultRetryCondition();

    /** An S3 client with the SDK's standard retries (three attempts) that counts its attempts. */
    private static S3Client s3(ConveyorServer server, AtomicInteger attempts) {
        return S3Client.builder().endpointOverride(URI.create(server.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(CREDENTIALS))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build())
                        .addExecutionInterceptor(new ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                                attempts.incrementAndGet();
                            }
                        }))
                .build();
    }

    /** An IAM client signed with the administrator's key the server wrote on its first start (IAM checks it). */
    private static IamClient iam(ConveyorServer server, Path dataDir) throws IOException {
        Properties profile = new Properties();
        try (var reader = Files.newBufferedReader(dataDir.resolve(AdministratorBootstrap.FILE_NAME))) {
            profile.load(reader); // INI: the key = value lines of its one section read as properties
        }
        AwsBasicCredentials admin = AwsBasicCredentials.create(profile.getProperty("aws_access_key_id"),
                profile.getProperty("aws_secret_access_key"));
        return IamClient.builder().endpointOverride(URI.create(server.endpoint())).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(admin)).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry())).build();
    }

    private static HttpResponse<String> health(ConveyorServer server) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
