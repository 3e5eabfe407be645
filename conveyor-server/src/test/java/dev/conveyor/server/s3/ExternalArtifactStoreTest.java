package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.MotoServer;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The server with {@code --artifact-endpoint}: its S3 endpoint keeps buckets in moto's S3 server, with credentials
 * from the standard AWS chain (system properties here), and encrypts before anything leaves the server.
 */
class ExternalArtifactStoreTest {
    private static MotoServer moto;
    private static S3ServerFixture server;
    private static S3Client motoClient;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
        server = new S3ServerFixture("h2", config -> config.withArtifacts(new ServerConfig.ArtifactSettings(URI.create(moto.endpoint()),
                1L << 40, dev.conveyor.artifacts.RetentionPolicy.KEEP_ALL, java.time.Duration.ofHours(1))));
        motoClient = S3Client.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
    }

    @AfterAll
    static void stop() {
        motoClient.close();
        server.close();
        moto.close();
    }

    @Test
    void bucketsAndObjectsWrittenThroughConveyorLiveInTheExternalService() {
        S3Client s3 = server.s3();
        s3.createBucket(r -> r.bucket("proxied"));
        s3.putBucketVersioning(r -> r.bucket("proxied").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = s3.putObject(r -> r.bucket("proxied").key("plain.txt"), RequestBody.fromString("plain content")).versionId();
        s3.putObject(r -> r.bucket("proxied").key("secret.txt").serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("alias/ext"),
                RequestBody.fromString("secret content"));

        assertThat(motoClient.listBuckets().buckets()).anyMatch(b -> b.name().equals("proxied"));
        assertThat(motoClient.getObjectAsBytes(r -> r.bucket("proxied").key("plain.txt").versionId(v1)).asUtf8String()).isEqualTo("plain content");
        byte[] stored = motoClient.getObjectAsBytes(r -> r.bucket("proxied").key("secret.txt")).asByteArray();
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).startsWith("CVYE").doesNotContain("secret content");
        assertThat(s3.getObjectAsBytes(r -> r.bucket("proxied").key("secret.txt")).asUtf8String()).isEqualTo("secret content");
        assertThat(s3.listObjectsV2(r -> r.bucket("proxied")).contents()).hasSize(2);
        assertThat(s3.listObjectVersions(r -> r.bucket("proxied")).versions()).hasSize(2);
    }
}
