package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.approval;
import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.MovableClock;
import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionState;
import software.amazon.awssdk.services.codepipeline.model.ApprovalStatus;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Authentication and authorization on every request, through the AWS SDK for Java v2 as a user of AWS would meet
 * them: an administrator makes users and policies with IAM, and CodePipeline, S3 and STS answer each user as their
 * policies say, with AWS's errors; unsigned, forged, skewed and expired requests are refused in each protocol's words.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessControlApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";
    private static final String READ_ONLY = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["codepipeline:Get*", "codepipeline:List*"], "Resource": "*"}]}""";

    /** Real time, moved forward by what a test adds (to expire temporary credentials without waiting). */
    private static final MovableClock CLOCK = MovableClock.runningFromNow();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ConveyorServer server;
    private static AwsCredentials admin;
    private static IamClient iam;
    private static CodePipelineClient adminPipelines;

    @BeforeAll
    static void start() throws IOException {
        Path dataDir = Files.createTempDirectory("conveyor-access-");
        server = new ConveyorServer(ServerConfig.embedded(dataDir, 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)), CLOCK)
                .start();
        admin = AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY);
        iam = client(IamClient.builder().region(Region.AWS_GLOBAL), admin);
        adminPipelines = client(CodePipelineClient.builder(), admin);
        ExecutionFixtures.putSource(server.objects(), Map.of("app.txt", "v1"));
    }

    @AfterAll
    static void stop() {
        iam.close();
        adminPipelines.close();
        server.close();
    }

    @Test
    @Order(1)
    void aReadOnlyUserReadsPipelinesButIsDeniedStartingOneWithAwssError() {
        adminPipelines.createPipeline(r -> r.pipeline(pipeline("read-me", "QUEUED", stage("Build", commands("Build", 1, "true")))));
        AwsCredentials reader = user("reader", READ_ONLY);
        try (CodePipelineClient asReader = client(CodePipelineClient.builder(), reader)) {
            assertThat(asReader.listPipelines().pipelines()).extracting(p -> p.name()).contains("read-me");
            assertThat(asReader.getPipeline(r -> r.name("read-me")).pipeline().name()).isEqualTo("read-me");
            assertThat(asReader.getPipelineState(r -> r.name("read-me")).stageStates()).isNotEmpty();
            assertThatThrownBy(() -> asReader.startPipelineExecution(r -> r.name("read-me")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::" + ACCOUNT + ":user/reader is not "
                                + "authorized to perform: codepipeline:StartPipelineExecution on resource: arn:aws:codepipeline:us-east-1:"
                                + ACCOUNT + ":read-me because no identity-based policy allows the codepipeline:StartPipelineExecution action");
                    });
            assertThatThrownBy(() -> asReader.deletePipeline(r -> r.name("read-me")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                            .isEqualTo("AccessDeniedException"));
        }
        assertThat(adminPipelines.getPipeline(r -> r.name("read-me")).pipeline()).as("nothing was deleted").isNotNull();
        // The denial is in the audit trail, under the user's ARN.
        try (CloudTrailClient trail = client(CloudTrailClient.builder(), admin)) {
            Event denied = Await.await(() -> trail.lookupEvents(b -> b.lookupAttributes(a -> a.attributeKey(LookupAttributeKey.EVENT_NAME)
                            .attributeValue("StartPipelineExecution"))).events(), events -> !events.isEmpty(), Duration.ofSeconds(20),
                    "the denied StartPipelineExecution in the trail").getFirst();
            JsonNode record = read(denied.cloudTrailEvent());
            assertThat(record.path("userIdentity").path("arn").asText()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":user/reader");
            assertThat(record.path("errorCode").asText()).isEqualTo("AccessDeniedException");
        }
    }

    @Test
    @Order(2)
    void anExplicitDenyOnOnePipelineBeatsAnAllowOfEverything() {
        adminPipelines.createPipeline(r -> r.pipeline(pipeline("prod-app", "QUEUED", stage("Build", commands("Build", 1, "true")))));
        adminPipelines.createPipeline(r -> r.pipeline(pipeline("dev-app", "QUEUED", stage("Build", commands("Build", 1, "true")))));
        AwsCredentials developer = user("developer", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": "*", "Resource": "*"},
                  {"Effect": "Deny", "Action": "codepipeline:*", "Resource": "arn:aws:codepipeline:us-east-1:000000000000:prod-app"}]}""");
        try (CodePipelineClient asDeveloper = client(CodePipelineClient.builder(), developer)) {
            assertThat(asDeveloper.getPipeline(r -> r.name("dev-app")).pipeline().name()).isEqualTo("dev-app");
            assertThat(asDeveloper.startPipelineExecution(r -> r.name("dev-app")).pipelineExecutionId()).isNotBlank();
            assertThatThrownBy(() -> asDeveloper.getPipeline(r -> r.name("prod-app")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("codepipeline:GetPipeline")
                                .contains("arn:aws:codepipeline:us-east-1:" + ACCOUNT + ":prod-app").contains("with an explicit deny");
                    });
            assertThatThrownBy(() -> asDeveloper.startPipelineExecution(r -> r.name("prod-app")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                            .isEqualTo("AccessDeniedException"));
        }
    }

    @Test
    @Order(3)
    void putApprovalResultIsScopedToOneStagesAction() {
        adminPipelines.createPipeline(r -> r.pipeline(pipeline("gated", "QUEUED", stage("Approve", approval("QA"), approval("Release")))));
        AwsCredentials approver = user("qa-approver", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": "codepipeline:GetPipelineState", "Resource": "arn:aws:codepipeline:us-east-1:000000000000:gated"},
                  {"Effect": "Allow", "Action": "codepipeline:PutApprovalResult",
                   "Resource": "arn:aws:codepipeline:us-east-1:000000000000:gated/Approve/QA"}]}""");
        Map<String, String> tokens = Await.await(() -> approvalTokens("gated"), t -> t.size() == 2, Duration.ofSeconds(60),
                "both approvals to wait");
        try (CodePipelineClient asApprover = client(CodePipelineClient.builder(), approver)) {
            assertThat(asApprover.putApprovalResult(r -> r.pipelineName("gated").stageName("Approve").actionName("QA")
                    .token(tokens.get("QA")).result(x -> x.status(ApprovalStatus.APPROVED).summary("tested"))).approvedAt()).isNotNull();
            assertThatThrownBy(() -> asApprover.putApprovalResult(r -> r.pipelineName("gated").stageName("Approve").actionName("Release")
                    .token(tokens.get("Release")).result(x -> x.status(ApprovalStatus.APPROVED).summary("ship"))))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("codepipeline:PutApprovalResult")
                                .contains("arn:aws:codepipeline:us-east-1:" + ACCOUNT + ":gated/Approve/Release");
                    });
        }
        assertThat(approvalTokens("gated")).as("Release still waits").containsOnlyKeys("Release");
    }

    @Test
    @Order(4)
    void s3AnswersEachUserAsTheirPoliciesSayWithS3sErrors() throws Exception {
        try (S3Client s3 = client(S3Client.builder().forcePathStyle(true), admin)) {
            s3.createBucket(b -> b.bucket("team-bucket"));
            s3.putObject(b -> b.bucket("team-bucket").key("docs/readme.txt"), RequestBody.fromString("hello"));
        }
        AwsCredentials viewer = user("viewer", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::team-bucket"},
                  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::team-bucket/docs/*"}]}""");
        try (S3Client s3 = client(S3Client.builder().forcePathStyle(true), viewer)) {
            assertThat(s3.listObjectsV2(b -> b.bucket("team-bucket")).contents()).extracting(o -> o.key()).containsExactly("docs/readme.txt");
            assertThat(s3.getObjectAsBytes(b -> b.bucket("team-bucket").key("docs/readme.txt")).asUtf8String()).isEqualTo("hello");
            // The SDK sends PutObject with Expect: 100-continue, so the refusal comes before the body and its client
            // reads no error document: the status it sees, the document a plain signed PUT gets.
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket("team-bucket").key("docs/new.txt"), RequestBody.fromString("no")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
            URI object = URI.create(server.endpoint() + "/team-bucket/docs/new.txt");
            HttpRequest.Builder put = HttpRequest.newBuilder(object).PUT(HttpRequest.BodyPublishers.ofString("no"));
            new TestSigner(viewer.accessKeyId(), viewer.secretAccessKey(), "us-east-1")
                    .sign("PUT", object, Map.of(), "no".getBytes(StandardCharsets.UTF_8), "s3").forEach(put::header);
            HttpResponse<String> refused = send(put);
            assertS3Error(refused, 403, "AccessDenied");
            assertThat(refused.body()).contains("User: arn:aws:iam::" + ACCOUNT + ":user/viewer is not authorized to perform: s3:PutObject "
                    + "on resource: arn:aws:s3:::team-bucket/docs/new.txt");
            assertThatThrownBy(() -> s3.headObject(b -> b.bucket("team-bucket").key("docs/new.txt"))).as("nothing was stored")
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
            assertThatThrownBy(() -> s3.deleteBucket(b -> b.bucket("team-bucket")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        }
    }

    @Test
    @Order(5)
    void unsignedForgedSkewedAndUnknownRequestsAreRefusedOnTheJsonApis() throws Exception {
        URI endpoint = URI.create(server.endpoint() + "/");
        String body = "{}";
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "CodePipeline_20150709.ListPipelines");
        HttpRequest.Builder unsigned = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(unsigned::header);
        assertJsonError(send(unsigned), "MissingAuthenticationTokenException", "Missing Authentication Token");

        TestSigner forger = new TestSigner(TestCredentials.ACCESS_KEY_ID, "x".repeat(40), "us-east-1");
        assertJsonError(send(signedWith(forger, endpoint, headers, body, Instant.now())), "InvalidSignatureException",
                "The request signature we calculated does not match");
        TestSigner stranger = new TestSigner("AKIAUNKNOWNEXAMPLE00", "x".repeat(40), "us-east-1");
        assertJsonError(send(signedWith(stranger, endpoint, headers, body, Instant.now())), "UnrecognizedClientException",
                "The security token included in the request is invalid.");
        assertJsonError(send(signedWith(TestSigner.admin(), endpoint, headers, body, Instant.now().minus(Duration.ofMinutes(20)))),
                "InvalidSignatureException", "Signature expired");
        // A signed request replayed with another body: the signature covered the first body's hash.
        HttpRequest.Builder replayed = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString("{\"maxResults\": 1}"));
        headers.forEach(replayed::header);
        TestSigner.admin().sign("POST", endpoint, headers, body.getBytes(StandardCharsets.UTF_8), "codepipeline").forEach(replayed::header);
        assertJsonError(send(replayed), "InvalidSignatureException", "does not match");
        // The same request, signed properly, is answered.
        HttpResponse<String> good = send(signedWith(TestSigner.admin(), endpoint, headers, body, Instant.now()));
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void unsignedForgedSkewedAndExpiredRequestsAreRefusedOnS3() throws Exception {
        try (S3Client s3 = client(S3Client.builder().forcePathStyle(true), admin)) {
            s3.createBucket(b -> b.bucket("private-bucket"));
            s3.putObject(b -> b.bucket("private-bucket").key("secret.txt"), RequestBody.fromString("top secret"));
        }
        URI object = URI.create(server.endpoint() + "/private-bucket/secret.txt");
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(object).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertS3Error(anonymous, 403, "AccessDenied");
        assertThat(anonymous.body()).doesNotContain("top secret");
        TestSigner forger = new TestSigner(TestCredentials.ACCESS_KEY_ID, "x".repeat(40), "us-east-1");
        assertS3Error(get(forger.sign("GET", object, Map.of(), null, "s3"), object), 403, "SignatureDoesNotMatch");
        TestSigner stranger = new TestSigner("AKIAUNKNOWNEXAMPLE00", "x".repeat(40), "us-east-1");
        assertS3Error(get(stranger.sign("GET", object, Map.of(), null, "s3"), object), 403, "InvalidAccessKeyId");
        assertS3Error(get(TestSigner.admin().sign("GET", object, Map.of(), null, "s3", Instant.now().minus(Duration.ofMinutes(20))), object),
                403, "RequestTimeTooSkewed");
        assertThat(get(TestSigner.admin().sign("GET", object, Map.of(), null, "s3"), object).body()).isEqualTo("top secret");

        // Presigned URLs: good until X-Amz-Expires, refused after; a tampered one never.
        URI presigned = TestSigner.admin().presign("GET", object, 60, Instant.now());
        assertThat(HTTP.send(HttpRequest.newBuilder(presigned).GET().build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("top secret");
        URI expired = TestSigner.admin().presign("GET", object, 60, Instant.now().minus(Duration.ofMinutes(5)));
        HttpResponse<String> late = HTTP.send(HttpRequest.newBuilder(expired).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertS3Error(late, 403, "AccessDenied");
        assertThat(late.body()).contains("Request has expired");
        URI tampered = URI.create(presigned.toString().replace("/secret.txt", "/other.txt"));
        assertS3Error(HTTP.send(HttpRequest.newBuilder(tampered).GET().build(), HttpResponse.BodyHandlers.ofString()), 403, "SignatureDoesNotMatch");
    }

    @Test
    @Order(7)
    void aChunkedUploadIsVerifiedChunkByChunk() throws Exception {
        try (S3Client s3 = client(S3Client.builder().forcePathStyle(true), admin)) {
            s3.createBucket(b -> b.bucket("chunked"));
        }
        URI uri = URI.create(server.endpoint() + "/chunked/data.bin");
        byte[] first = "hello, ".getBytes(StandardCharsets.UTF_8);
        byte[] second = "world".getBytes(StandardCharsets.UTF_8);
        for (boolean forge : new boolean[] {false, true}) {
            Instant at = Instant.now();
            Map<String, String> headers = Map.of("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding", "aws-chunked",
                    "x-amz-decoded-content-length", Integer.toString(first.length + second.length));
            Map<String, String> signed = TestSigner.admin().sign("PUT", uri, headers, null, "s3", at);
            String seed = signed.get("Authorization").replaceAll(".*Signature=", "");
            ChunkSigner chunks = new ChunkSigner(TestCredentials.SECRET_ACCESS_KEY, signed.get("X-Amz-Date"), seed);
            StringBuilder body = new StringBuilder();
            body.append(Integer.toHexString(first.length)).append(";chunk-signature=").append(chunks.next(first)).append("\r\n")
                    .append(new String(first, StandardCharsets.UTF_8)).append("\r\n");
            String secondSignature = chunks.next(second);
            byte[] sent = forge ? "WORLD".getBytes(StandardCharsets.UTF_8) : second; // the same size, other bytes
            body.append(Integer.toHexString(sent.length)).append(";chunk-signature=").append(secondSignature).append("\r\n")
                    .append(new String(sent, StandardCharsets.UTF_8)).append("\r\n");
            body.append("0;chunk-signature=").append(chunks.next(new byte[0])).append("\r\n\r\n");
            HttpRequest.Builder put = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
            headers.forEach(put::header);
            signed.forEach(put::header);
            HttpResponse<String> response = HTTP.send(put.build(), HttpResponse.BodyHandlers.ofString());
            if (forge) {
                assertS3Error(response, 403, "SignatureDoesNotMatch");
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            }
        }
        try (S3Client s3 = client(S3Client.builder().forcePathStyle(true), admin)) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("chunked").key("data.bin")).asUtf8String()).as("the forged upload stored nothing")
                    .isEqualTo("hello, world");
        }
    }

    @Test
    @Order(8)
    void repeatedFailuresFromOneAddressWithOneKeyAreThrottledButTheRightfulKeyStillWorks() throws Exception {
        URI endpoint = URI.create(server.endpoint() + "/");
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "CodePipeline_20150709.ListPipelines");
        AwsCredentials target = user("targeted", READ_ONLY);
        TestSigner guesser = new TestSigner(target.accessKeyId(), "y".repeat(40), "us-east-1");
        HttpResponse<String> last = null;
        for (int i = 0; i < 31; i++) {
            last = send(signedWith(guesser, endpoint, headers, "{}", Instant.now()));
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(read(last.body()).path("__type").asText()).isEqualTo("ThrottlingException");
        assertThat(last.headers().firstValueAsLong("Retry-After").orElseThrow()).isBetween(1L, 60L);
        try (CodePipelineClient asAdmin = client(CodePipelineClient.builder(), admin)) {
            assertThat(asAdmin.listPipelines().pipelines()).as("other keys from the same address are not blocked").isNotEmpty();
        }
    }

    @Test
    @Order(9)
    void assumeRoleChecksTheCallersPoliciesAndItsCredentialsWorkUntilTheyExpire() {
        iam.createRole(r -> r.roleName("pipeline-reader").assumeRolePolicyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                 "Action": "sts:AssumeRole"}]}"""));
        String policyArn = iam.createPolicy(r -> r.policyName("ReadPipelines").policyDocument(READ_ONLY)).policy().arn();
        iam.attachRolePolicy(r -> r.roleName("pipeline-reader").policyArn(policyArn));
        String roleArn = "arn:aws:iam::" + ACCOUNT + ":role/pipeline-reader";

        // A user whose own policies do not allow sts:AssumeRole cannot assume it, trust policy or not.
        AwsCredentials reader = user("no-assume", READ_ONLY);
        try (StsClient sts = client(StsClient.builder(), reader)) {
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(roleArn).roleSessionName("s")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("sts:AssumeRole").contains(roleArn);
                    });
        }
        Credentials session;
        try (StsClient sts = client(StsClient.builder(), admin)) {
            session = sts.assumeRole(r -> r.roleArn(roleArn).roleSessionName("nightly").durationSeconds(900)).credentials();
        }
        AwsCredentials temporary = AwsSessionCredentials.create(session.accessKeyId(), session.secretAccessKey(), session.sessionToken());
        try (CodePipelineClient asRole = client(CodePipelineClient.builder(), temporary)) {
            assertThat(asRole.listPipelines().pipelines()).isNotEmpty();
            assertThatThrownBy(() -> asRole.startPipelineExecution(r -> r.name("read-me")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                            .startsWith("User: arn:aws:sts::" + ACCOUNT + ":assumed-role/pipeline-reader/nightly is not authorized"));
            CLOCK.advance(Duration.ofSeconds(901));
            assertThatThrownBy(asRole::listPipelines).isInstanceOfSatisfying(AwsServiceException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException"));
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** A user with one inline policy and an access key; its credentials. */
    private static AwsCredentials user(String name, String policy) {
        iam.createUser(r -> r.userName(name));
        iam.putUserPolicy(r -> r.userName(name).policyName(name + "-policy").policyDocument(policy));
        AccessKey key = iam.createAccessKey(r -> r.userName(name)).accessKey();
        return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
    }

    private static Map<String, String> approvalTokens(String pipeline) {
        Map<String, String> tokens = new java.util.HashMap<>();
        for (var stage : adminPipelines.getPipelineState(r -> r.name(pipeline)).stageStates()) {
            for (ActionState action : stage.actionStates()) {
                if (action.latestExecution() != null && action.latestExecution().token() != null
                        && "InProgress".equals(action.latestExecution().statusAsString())) {
                    tokens.put(action.actionName(), action.latestExecution().token());
                }
            }
        }
        return tokens;
    }

    private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder, AwsCredentials credentials) {
        builder.endpointOverride(URI.create(server.endpoint())).credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryPolicy(software.amazon.awssdk.core.retry.RetryPolicy.none()));
        if (!(builder instanceof software.amazon.awssdk.services.iam.IamClientBuilder)) {
            builder.region(Region.US_EAST_1); // IAM's is aws-global, given by the caller
        }
        return builder.build();
    }

    private static HttpRequest.Builder signedWith(TestSigner signer, URI uri, Map<String, String> headers, String body, Instant at) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        signer.sign("POST", uri, headers, body.getBytes(StandardCharsets.UTF_8), "codepipeline", at).forEach(request::header);
        return request;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(Map<String, String> signature, URI uri) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        signature.forEach(request::header);
        return send(request);
    }

    private static void assertJsonError(HttpResponse<String> response, String type, String message) {
        assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
        JsonNode error = read(response.body());
        assertThat(error.path("__type").asText()).as(response.body()).isEqualTo(type);
        assertThat(error.path("message").asText()).contains(message);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains(type);
    }

    private static void assertS3Error(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains("<Code>" + code + "</Code>").doesNotContain("Exception").doesNotContain("at dev.");
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Chunk signatures of an aws-chunked body, written from the SigV4 streaming specification. */
    private static final class ChunkSigner {
        private final byte[] key;
        private final String amzDate;
        private final String scope;
        private String previous;

        ChunkSigner(String secret, String amzDate, String seed) {
            String date = amzDate.substring(0, 8);
            byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
            k = hmac(k, "us-east-1");
            k = hmac(k, "s3");
            this.key = hmac(k, "aws4_request");
            this.amzDate = amzDate;
            this.scope = date + "/us-east-1/s3/aws4_request";
            this.previous = seed;
        }

        String next(byte[] data) {
            String stringToSign = "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n" + previous + "\n" + sha256Hex(new byte[0])
                    + "\n" + sha256Hex(data);
            previous = java.util.HexFormat.of().formatHex(hmac(key, stringToSign));
            return previous;
        }

        private static byte[] hmac(byte[] key, String data) {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String sha256Hex(byte[] data) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
