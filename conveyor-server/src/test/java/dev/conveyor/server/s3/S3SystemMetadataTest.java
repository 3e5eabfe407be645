package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3 system metadata (Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires) through the
 * AWS SDK for Java v2 and the AWS CLI: kept by PutObject, CreateMultipartUpload and CopyObject (COPY and REPLACE),
 * returned by HeadObject and GetObject, overridden by GetObject's response-* parameters on signed requests only, and
 * kept per version; on the local store over both databases, and on an external store (moto) where it is set on the
 * upstream objects themselves.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("stores")
class S3SystemMetadataTest {
    private static final Instant EXPIRES = Instant.parse("2099-01-01T00:00:00Z");
    private static final String EXPIRES_HEADER = "Thu, 01 Jan 2099 00:00:00 GMT";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static MotoServer moto;
    private static S3ServerFixture server;
    private static S3Client s3;

    @Parameter
    String store;

    static Stream<String> stores() {
        return Stream.of("h2", "postgresql", "external");
    }

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) {
        if ("external".equals(kind)) {
            moto = MotoServer.start();
            System.setProperty("aws.accessKeyId", "testing");
            System.setProperty("aws.secretAccessKey", "testing");
            server = new S3ServerFixture("h2", config -> config.withArtifacts(new ServerConfig.ArtifactSettings(URI.create(moto.endpoint()),
                    1L << 40, dev.conveyor.artifacts.RetentionPolicy.KEEP_ALL, Duration.ofHours(1))));
        } else {
            server = new S3ServerFixture(kind);
        }
        s3 = server.s3();
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
        if (moto != null) {
            moto.close();
            moto = null;
        }
    }

    private String bucket(String name) {
        String bucket = name + "-" + store;
        s3.createBucket(r -> r.bucket(bucket));
        return bucket;
    }

    @Test
    void putObjectKeepsSystemMetadataAndHeadAndGetReturnIt() {
        String bucket = bucket("sysmeta");
        s3.putObject(r -> r.bucket(bucket).key("page.html").contentType("text/html").cacheControl("public, max-age=300")
                .contentDisposition("attachment; filename=\"page.html\"").contentEncoding("gzip").contentLanguage("fr-CA")
                .expires(EXPIRES), RequestBody.fromString("<p>bonjour</p>"));

        HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key("page.html"));
        assertThat(head.contentType()).isEqualTo("text/html");
        assertThat(head.cacheControl()).isEqualTo("public, max-age=300");
        assertThat(head.contentDisposition()).isEqualTo("attachment; filename=\"page.html\"");
        assertThat(head.contentEncoding()).as("aws-chunked is the upload's framing, not the object's encoding").isEqualTo("gzip");
        assertThat(head.contentLanguage()).isEqualTo("fr-CA");
        assertThat(head.expiresString()).isEqualTo(EXPIRES_HEADER);

        ResponseBytes<GetObjectResponse> get = s3.getObjectAsBytes(r -> r.bucket(bucket).key("page.html"));
        assertThat(get.asUtf8String()).isEqualTo("<p>bonjour</p>");
        assertThat(get.response().cacheControl()).isEqualTo("public, max-age=300");
        assertThat(get.response().contentDisposition()).isEqualTo("attachment; filename=\"page.html\"");
        assertThat(get.response().contentEncoding()).isEqualTo("gzip");
        assertThat(get.response().contentLanguage()).isEqualTo("fr-CA");
        assertThat(get.response().expiresString()).isEqualTo(EXPIRES_HEADER);

        s3.putObject(r -> r.bucket(bucket).key("bare.txt"), RequestBody.fromString("nothing set"));
        HeadObjectResponse bare = s3.headObject(r -> r.bucket(bucket).key("bare.txt"));
        assertThat(bare.cacheControl()).isNull();
        assertThat(bare.contentDisposition()).isNull();
        assertThat(bare.contentLanguage()).isNull();
        assertThat(bare.expiresString()).isNull();
    }

    @Test
    void getObjectsResponseParametersOverrideTheStoredHeadersOnSignedRequestsOnly() throws Exception {
        String bucket = bucket("overrides");
        s3.putObject(r -> r.bucket(bucket).key("report.csv").contentType("text/csv").cacheControl("max-age=60"),
                RequestBody.fromString("a,b\n1,2\n"));

        GetObjectResponse overridden = s3.getObjectAsBytes(r -> r.bucket(bucket).key("report.csv").responseCacheControl("no-store")
                .responseContentType("application/octet-stream").responseContentDisposition("attachment; filename=\"r.csv\"")
                .responseContentEncoding("identity").responseContentLanguage("de").responseExpires(EXPIRES)).response();
        assertThat(overridden.cacheControl()).isEqualTo("no-store");
        assertThat(overridden.contentType()).isEqualTo("application/octet-stream");
        assertThat(overridden.contentDisposition()).isEqualTo("attachment; filename=\"r.csv\"");
        assertThat(overridden.contentEncoding()).isEqualTo("identity");
        assertThat(overridden.contentLanguage()).isEqualTo("de");
        assertThat(overridden.expiresString()).isEqualTo(EXPIRES_HEADER);
        assertThat(s3.headObject(r -> r.bucket(bucket).key("report.csv")).cacheControl()).as("the stored value is unchanged")
                .isEqualTo("max-age=60");

        // A public bucket serves unsigned GETs, but S3 takes response-* parameters from signed requests only.
        s3.putBucketPolicy(r -> r.bucket(bucket).policy("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
                  "Resource": "arn:aws:s3:::%s/*"}]}""".formatted(bucket)));
        URI object = URI.create(server.endpoint() + "/" + bucket + "/report.csv");
        HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(object).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Cache-Control")).hasValue("max-age=60");
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(object + "?response-cache-control=no-store")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("<Code>InvalidRequest</Code>")
                .contains("Request specific response headers cannot be used for anonymous GET requests.");
    }

    @Test
    void copyObjectKeepsTheSourcesSystemMetadataOrReplacesItWithTheDirective() {
        String bucket = bucket("copies");
        s3.putObject(r -> r.bucket(bucket).key("source.js").contentType("application/javascript").cacheControl("max-age=31536000")
                .contentDisposition("inline").contentLanguage("en"), RequestBody.fromString("console.log(1)"));

        s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("source.js").destinationBucket(bucket).destinationKey("copied.js"));
        HeadObjectResponse copied = s3.headObject(r -> r.bucket(bucket).key("copied.js"));
        assertThat(copied.contentType()).isEqualTo("application/javascript");
        assertThat(copied.cacheControl()).isEqualTo("max-age=31536000");
        assertThat(copied.contentDisposition()).isEqualTo("inline");
        assertThat(copied.contentLanguage()).isEqualTo("en");

        s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("source.js").destinationBucket(bucket).destinationKey("replaced.js")
                .metadataDirective(MetadataDirective.REPLACE).contentType("text/javascript").cacheControl("no-cache"));
        HeadObjectResponse replaced = s3.headObject(r -> r.bucket(bucket).key("replaced.js"));
        assertThat(replaced.contentType()).isEqualTo("text/javascript");
        assertThat(replaced.cacheControl()).isEqualTo("no-cache");
        assertThat(replaced.contentDisposition()).as("REPLACE keeps only what the copy request names").isNull();
        assertThat(replaced.contentLanguage()).isNull();
    }

    @Test
    void aMultipartUploadKeepsWhatItWasStartedWithUntilItCompletes() {
        String bucket = bucket("multipart");
        byte[] first = new byte[5 * 1024 * 1024];
        new Random(15).nextBytes(first);
        String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key("bundle.tar").contentType("application/x-tar")
                .cacheControl("private, max-age=10").contentDisposition("attachment").contentLanguage("sv").expires(EXPIRES)).uploadId();
        String e1 = s3.uploadPart(r -> r.bucket(bucket).key("bundle.tar").uploadId(uploadId).partNumber(1), RequestBody.fromBytes(first)).eTag();
        String e2 = s3.uploadPart(r -> r.bucket(bucket).key("bundle.tar").uploadId(uploadId).partNumber(2), RequestBody.fromString("tail")).eTag();
        s3.completeMultipartUpload(r -> r.bucket(bucket).key("bundle.tar").uploadId(uploadId).multipartUpload(m -> m.parts(
                p -> p.partNumber(1).eTag(e1), p -> p.partNumber(2).eTag(e2))));

        HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key("bundle.tar"));
        assertThat(head.contentType()).isEqualTo("application/x-tar");
        assertThat(head.cacheControl()).isEqualTo("private, max-age=10");
        assertThat(head.contentDisposition()).isEqualTo("attachment");
        assertThat(head.contentLanguage()).isEqualTo("sv");
        assertThat(head.expiresString()).isEqualTo(EXPIRES_HEADER);
        assertThat(head.contentLength()).isEqualTo(first.length + 4L);
    }

    @Test
    void eachVersionOfAVersionedObjectKeepsItsOwnSystemMetadata() {
        String bucket = bucket("versions");
        s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = s3.putObject(r -> r.bucket(bucket).key("app.js").cacheControl("max-age=600").contentLanguage("en"),
                RequestBody.fromString("v1")).versionId();
        String v2 = s3.putObject(r -> r.bucket(bucket).key("app.js").cacheControl("no-cache"), RequestBody.fromString("v2")).versionId();

        assertThat(s3.headObject(r -> r.bucket(bucket).key("app.js")).cacheControl()).isEqualTo("no-cache");
        assertThat(s3.headObject(r -> r.bucket(bucket).key("app.js")).contentLanguage()).isNull();
        HeadObjectResponse older = s3.headObject(r -> r.bucket(bucket).key("app.js").versionId(v1));
        assertThat(older.cacheControl()).isEqualTo("max-age=600");
        assertThat(older.contentLanguage()).isEqualTo("en");
        GetObjectResponse olderGet = s3.getObjectAsBytes(r -> r.bucket(bucket).key("app.js").versionId(v1)).response();
        assertThat(olderGet.cacheControl()).isEqualTo("max-age=600");
        assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("app.js").versionId(v2)).response().cacheControl()).isEqualTo("no-cache");

        s3.deleteObject(r -> r.bucket(bucket).key("app.js").versionId(v2));
        assertThat(s3.headObject(r -> r.bucket(bucket).key("app.js")).cacheControl()).as("v1 is the latest again").isEqualTo("max-age=600");
        assertThatThrownBy(() -> s3.headObject(r -> r.bucket(bucket).key("app.js").versionId(v2))).isInstanceOf(S3Exception.class);
    }

    @Test
    void theAwsCliSetsAndReadsSystemMetadata() throws Exception {
        String bucket = bucket("cli");
        Path work = Files.createTempDirectory("s3-sysmeta-cli-");
        Path body = work.resolve("index.html");
        Files.writeString(body, "<h1>cli</h1>");
        AwsCliRunner aws = new AwsCliRunner(server.endpoint(), work);
        aws.ok("s3api", "put-object", "--bucket", bucket, "--key", "index.html", "--body", body.toString(), "--content-type", "text/html",
                "--cache-control", "max-age=120", "--content-disposition", "inline", "--content-language", "nl",
                "--expires", "2099-01-01T00:00:00Z");
        JsonNode head = new ObjectMapper().readTree(aws.ok("s3api", "head-object", "--bucket", bucket, "--key", "index.html"));
        assertThat(head.path("CacheControl").asText()).isEqualTo("max-age=120");
        assertThat(head.path("ContentType").asText()).isEqualTo("text/html");
        assertThat(head.path("ContentDisposition").asText()).isEqualTo("inline");
        assertThat(head.path("ContentLanguage").asText()).isEqualTo("nl");
        assertThat(head.path("ExpiresString").asText(head.path("Expires").asText())).contains("01 Jan 2099 00:00:00");
        dev.conveyor.testkit.PostgresServer.deleteRecursively(work);
    }
}
