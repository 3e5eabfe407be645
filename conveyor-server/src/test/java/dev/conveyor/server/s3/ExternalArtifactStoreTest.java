package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.server.ServerConfig;
import dev.conveyor.testkit.MotoServer;
import java.net.URI;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
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

    @Test
    void aMultipartUploadThroughConveyorHasTheEtagS3Gives() throws Exception {
        S3Client s3 = server.s3();
        s3.createBucket(r -> r.bucket("proxied-multipart"));
        byte[] first = new byte[5 * 1024 * 1024];
        new Random(5).nextBytes(first);
        byte[] second = "tail".getBytes();
        String uploadId = s3.createMultipartUpload(r -> r.bucket("proxied-multipart").key("big.zip")).uploadId();
        String e1 = s3.uploadPart(r -> r.bucket("proxied-multipart").key("big.zip").uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(first)).eTag();
        String e2 = s3.uploadPart(r -> r.bucket("proxied-multipart").key("big.zip").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(second)).eTag();
        String etag = s3.completeMultipartUpload(r -> r.bucket("proxied-multipart").key("big.zip").uploadId(uploadId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build()))).eTag();

        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(MessageDigest.getInstance("MD5").digest(first));
        md5.update(MessageDigest.getInstance("MD5").digest(second));
        String expected = "\"" + HexFormat.of().formatHex(md5.digest()) + "-2\"";
        assertThat(etag).isEqualTo(expected);
        assertThat(s3.headObject(r -> r.bucket("proxied-multipart").key("big.zip")).eTag()).isEqualTo(expected);
        assertThat(motoClient.headObject(r -> r.bucket("proxied-multipart").key("big.zip")).eTag()).isEqualTo(expected);
        byte[] read = s3.getObjectAsBytes(r -> r.bucket("proxied-multipart").key("big.zip")).asByteArray();
        assertThat(read).hasSize(first.length + second.length).endsWith(second);
    }

    @Test
    void flexibleChecksumsSentToConveyorAreCheckedAndTheContentReachesTheServiceWithoutTheirFraming() {
        S3Client s3 = server.s3();
        s3.createBucket(r -> r.bucket("proxied-checksums"));
        for (ChecksumAlgorithm algorithm : new ChecksumAlgorithm[] {ChecksumAlgorithm.CRC32, ChecksumAlgorithm.CRC32_C, ChecksumAlgorithm.SHA256}) {
            String key = "with-" + algorithm;
            // The SDK sends these as aws-chunked bodies with the checksum in a trailer.
            s3.putObject(r -> r.bucket("proxied-checksums").key(key).checksumAlgorithm(algorithm), RequestBody.fromString("checked " + algorithm));
            assertThat(motoClient.getObjectAsBytes(r -> r.bucket("proxied-checksums").key(key)).asUtf8String()).isEqualTo("checked " + algorithm);
            assertThat(s3.getObjectAsBytes(r -> r.bucket("proxied-checksums").key(key).checksumMode(ChecksumMode.ENABLED)).asUtf8String())
                    .isEqualTo("checked " + algorithm);
        }
    }

    @Test
    void listingsThroughConveyorPageOverTheServicesListing() {
        S3Client s3 = server.s3();
        s3.createBucket(r -> r.bucket("proxied-listing"));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String key = "p/" + i + (i % 2 == 0 ? " spaced+plus.zip" : "/é.zip");
            keys.add(key);
            s3.putObject(r -> r.bucket("proxied-listing").key(key), RequestBody.fromString(key));
        }
        List<String> listed = new ArrayList<>();
        int pages = 0;
        for (var page : s3.listObjectsV2Paginator(r -> r.bucket("proxied-listing").prefix("p/").maxKeys(3))) {
            page.contents().forEach(o -> listed.add(o.key()));
            pages++;
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(pages).isEqualTo(3);
        List<String> versions = new ArrayList<>();
        for (var page : s3.listObjectVersionsPaginator(r -> r.bucket("proxied-listing").maxKeys(2))) {
            page.versions().forEach(v -> versions.add(v.key()));
        }
        assertThat(versions).containsExactlyInAnyOrderElementsOf(keys);
    }
}
