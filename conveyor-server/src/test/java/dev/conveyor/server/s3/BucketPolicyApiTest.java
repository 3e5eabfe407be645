package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.server.ConveyorServer;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * Bucket policies on the S3 endpoint with the AWS SDK for Java v2, the AWS CLI and unsigned HTTP: PutBucketPolicy,
 * GetBucketPolicy and DeleteBucketPolicy with S3's shapes and errors, kept across a restart; a policy granting
 * {@code "*"} opens a bucket to unsigned requests (and deleting it closes it again); a canned ACL does not; a Deny
 * naming a user overrides that user's own Allow, and an Allow naming a user grants without an identity policy.
 */
class BucketPolicyApiTest {
    private static final String ACCOUNT = "000000000000";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;
    private ConveyorServer server;
    private S3Client admin;
    private IamClient iam;

    @BeforeEach
    void start() {
        server = start(work.resolve("data"));
        admin = s3(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY));
        iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY))).httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterEach
    void stop() {
        admin.close();
        iam.close();
        server.close();
    }

    private static ConveyorServer start(Path dataDir) {
        return new ConveyorServer(ServerConfig.embedded(dataDir, 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).start();
    }

    private S3Client s3(AwsCredentials credentials) {
        return S3Client.builder().forcePathStyle(true).region(Region.US_EAST_1).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryPolicy(software.amazon.awssdk.core.retry.RetryPolicy.none())).build();
    }

    private static String publicRead(String bucket) {
        return """
                {"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                  "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::%s/*"}]}""".formatted(bucket);
    }

    @Test
    void putGetAndDeleteBucketPolicyWithS3sShapesAndErrors() {
        admin.createBucket(b -> b.bucket("site"));
        assertThatThrownBy(() -> admin.getBucketPolicy(b -> b.bucket("site")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucketPolicy");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The bucket policy does not exist");
                });
        admin.putBucketPolicy(b -> b.bucket("site").policy(publicRead("site")));
        assertThat(admin.getBucketPolicy(b -> b.bucket("site")).policy()).isEqualTo(publicRead("site"));

        assertThatThrownBy(() -> admin.putBucketPolicy(b -> b.bucket("site").policy(publicRead("other-bucket"))))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MalformedPolicy");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Policy has invalid resource");
                });
        assertThatThrownBy(() -> admin.putBucketPolicy(b -> b.bucket("site").policy("{not json")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MalformedPolicy");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("This policy contains invalid Json");
                });
        assertThatThrownBy(() -> admin.putBucketPolicy(b -> b.bucket("site").policy("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}]}""")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Missing required field Principal"));
        assertThatThrownBy(() -> admin.putBucketPolicy(b -> b.bucket("site").policy("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "codepipeline:GetPipeline",
                  "Resource": "arn:aws:s3:::site/*"}]}""")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Policy has invalid action"));
        assertThatThrownBy(() -> admin.putBucketPolicy(b -> b.bucket("site").policy("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "s3:GetObject",
                  "Resource": "arn:aws:s3:::site/*"}]}""")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Invalid principal in policy"));
        assertThat(admin.getBucketPolicy(b -> b.bucket("site")).policy()).as("a refused policy changes nothing").isEqualTo(publicRead("site"));
        assertThatThrownBy(() -> admin.putBucketPolicy(b -> b.bucket("no-such-bucket").policy(publicRead("no-such-bucket"))))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket"));

        admin.deleteBucketPolicy(b -> b.bucket("site"));
        assertThatThrownBy(() -> admin.getBucketPolicy(b -> b.bucket("site")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucketPolicy"));
        admin.deleteBucketPolicy(b -> b.bucket("site")); // as S3: deleting no policy is no error
    }

    @Test
    void anUnsignedGetSucceedsOnlyWhileAPublicReadPolicyAllowsIt() throws Exception {
        admin.createBucket(b -> b.bucket("downloads"));
        admin.putObject(b -> b.bucket("downloads").key("app.zip"), RequestBody.fromString("release 1"));
        // A canned ACL does not make an object public on Conveyor: only a bucket policy does (docs/security.md).
        admin.putObject(b -> b.bucket("downloads").key("acl.txt").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("acl"));
        URI object = URI.create(server.endpoint() + "/downloads/app.zip");
        assertRefusedAsUnsigned(get(object));
        assertRefusedAsUnsigned(get(URI.create(server.endpoint() + "/downloads/acl.txt")));

        admin.putBucketPolicy(b -> b.bucket("downloads").policy(publicRead("downloads")));
        HttpResponse<String> open = get(object);
        assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
        assertThat(open.body()).isEqualTo("release 1");
        HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(object).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        // The policy grants GetObject only: listing and writing stay closed to anonymous callers.
        assertRefusedAsUnsigned(get(URI.create(server.endpoint() + "/downloads?list-type=2")));
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(object).PUT(HttpRequest.BodyPublishers.ofString("forged")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertRefusedAsUnsigned(put);
        assertThat(get(object).body()).as("nothing was overwritten").isEqualTo("release 1");

        admin.deleteBucketPolicy(b -> b.bucket("downloads"));
        assertRefusedAsUnsigned(get(object));
    }

    @Test
    void aPolicyGrantingStarOpensListingAndWritingToUnsignedRequests() throws Exception {
        admin.createBucket(b -> b.bucket("dropbox"));
        admin.putBucketPolicy(b -> b.bucket("dropbox").policy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::dropbox/in/*"},
                  {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::dropbox"}]}"""));
        URI inbox = URI.create(server.endpoint() + "/dropbox/in/report.txt");
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(inbox).PUT(HttpRequest.BodyPublishers.ofString("hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(admin.getObjectAsBytes(b -> b.bucket("dropbox").key("in/report.txt")).asUtf8String()).isEqualTo("hello");
        HttpResponse<String> list = get(URI.create(server.endpoint() + "/dropbox?list-type=2"));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(list.body()).contains("<Key>in/report.txt</Key>");
        HttpResponse<String> outside = HTTP.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/dropbox/out/x.txt"))
                .PUT(HttpRequest.BodyPublishers.ofString("no")).build(), HttpResponse.BodyHandlers.ofString());
        assertRefusedAsUnsigned(outside);
        // DeleteBucket takes its policy along: a bucket made again under the name starts closed.
        admin.deleteObject(b -> b.bucket("dropbox").key("in/report.txt"));
        admin.deleteBucket(b -> b.bucket("dropbox"));
        admin.createBucket(b -> b.bucket("dropbox"));
        assertThatThrownBy(() -> admin.getBucketPolicy(b -> b.bucket("dropbox")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucketPolicy"));
        assertRefusedAsUnsigned(get(URI.create(server.endpoint() + "/dropbox?list-type=2")));
    }

    @Test
    void aBucketPolicyDenyOverridesAUsersOwnAllowAndAnAllowGrantsWithoutOne() {
        admin.createBucket(b -> b.bucket("shared"));
        admin.putObject(b -> b.bucket("shared").key("secret/plan.txt"), RequestBody.fromString("plan"));
        admin.putObject(b -> b.bucket("shared").key("public/notes.txt"), RequestBody.fromString("notes"));
        AwsCredentials mallory = user("mallory", """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}""");
        AwsCredentials guest = user("guest", null);
        admin.putBucketPolicy(b -> b.bucket("shared").policy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "NoMallory", "Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam::%1$s:user/mallory"]}, "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::shared/secret/*"},
                  {"Sid": "GuestReads", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%1$s:user/guest"}, "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::shared/public/*"}]}""".formatted(ACCOUNT)));
        try (S3Client asMallory = s3(mallory); S3Client asGuest = s3(guest)) {
            assertThat(asMallory.getObjectAsBytes(b -> b.bucket("shared").key("public/notes.txt")).asUtf8String()).isEqualTo("notes");
            assertThatThrownBy(() -> asMallory.getObjectAsBytes(b -> b.bucket("shared").key("secret/plan.txt")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::" + ACCOUNT + ":user/mallory is not "
                                + "authorized to perform: s3:GetObject on resource: arn:aws:s3:::shared/secret/plan.txt with an explicit deny "
                                + "in a resource-based policy");
                    });
            assertThat(asGuest.getObjectAsBytes(b -> b.bucket("shared").key("public/notes.txt")).asUtf8String())
                    .as("the bucket policy's Allow needs no identity policy").isEqualTo("notes");
            assertThatThrownBy(() -> asGuest.getObjectAsBytes(b -> b.bucket("shared").key("secret/plan.txt")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        }
        // Without the bucket policy, mallory's own Allow applies again and the guest has nothing.
        admin.deleteBucketPolicy(b -> b.bucket("shared"));
        try (S3Client asMallory = s3(mallory); S3Client asGuest = s3(guest)) {
            assertThat(asMallory.getObjectAsBytes(b -> b.bucket("shared").key("secret/plan.txt")).asUtf8String()).isEqualTo("plan");
            assertThatThrownBy(() -> asGuest.getObjectAsBytes(b -> b.bucket("shared").key("public/notes.txt")))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        }
    }

    @Test
    void theAwsCliPutsAndReadsABucketPolicyThatOutlivesARestart() throws Exception {
        admin.createBucket(b -> b.bucket("cli-site"));
        admin.putObject(b -> b.bucket("cli-site").key("index.html"), RequestBody.fromString("<h1>hi</h1>"));
        Path policy = work.resolve("policy.json");
        Files.writeString(policy, publicRead("cli-site"));
        AwsCliRunner aws = new AwsCliRunner(server.endpoint(), work);
        aws.ok("s3api", "put-bucket-policy", "--bucket", "cli-site", "--policy", "file://" + policy);
        assertThat(aws.ok("s3api", "get-bucket-policy", "--bucket", "cli-site")).contains("PublicRead");
        assertThat(get(URI.create(server.endpoint() + "/cli-site/index.html")).body()).isEqualTo("<h1>hi</h1>");

        admin.close();
        iam.close();
        server.close();
        server = start(work.resolve("data"));
        admin = s3(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY));
        iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                        TestCredentials.SECRET_ACCESS_KEY))).httpClient(UrlConnectionHttpClient.create()).build();
        aws = new AwsCliRunner(server.endpoint(), work);
        assertThat(get(URI.create(server.endpoint() + "/cli-site/index.html")).body()).as("kept across the restart").isEqualTo("<h1>hi</h1>");

        aws.ok("s3api", "delete-bucket-policy", "--bucket", "cli-site");
        AwsCliRunner.Result missing = aws.run("s3api", "get-bucket-policy", "--bucket", "cli-site");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("NoSuchBucketPolicy");
        assertRefusedAsUnsigned(get(URI.create(server.endpoint() + "/cli-site/index.html")));
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** Refused exactly as unsigned requests always were: 403 AccessDenied, "Access Denied". */
    private static void assertRefusedAsUnsigned(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        if (!response.body().isEmpty()) {
            assertThat(response.body()).contains("<Code>AccessDenied</Code>").contains("<Message>Access Denied</Message>");
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A user with an access key and, unless null, one inline policy. */
    private AwsCredentials user(String name, String policy) {
        iam.createUser(r -> r.userName(name));
        if (policy != null) {
            iam.putUserPolicy(r -> r.userName(name).policyName(name + "-policy").policyDocument(policy));
        }
        AccessKey key = iam.createAccessKey(r -> r.userName(name)).accessKey();
        return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
    }
}
