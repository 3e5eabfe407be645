package dev.conveyor.server.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.object.ObjectWrite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** The S3 endpoint through the AWS SDK for Java v2's S3 client (and raw HTTP for malformed input), on both databases. */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class S3EndpointTest {
    private static S3ServerFixture server;
    private static S3Client s3;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Parameter
    String databaseKind;

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) {
        server = new S3ServerFixture(kind);
        s3 = server.s3();
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    @Test
    void bucketsAreCreatedListedVersionedAndDeleted() {
        s3.createBucket(r -> r.bucket("bucket-life"));
        assertThat(s3.listBuckets().buckets()).anyMatch(b -> b.name().equals("bucket-life") && b.creationDate() != null);
        s3.headBucket(r -> r.bucket("bucket-life"));
        assertThat(s3.getBucketVersioning(r -> r.bucket("bucket-life")).status()).isNull();
        s3.putBucketVersioning(r -> r.bucket("bucket-life").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        assertThat(s3.getBucketVersioning(r -> r.bucket("bucket-life")).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        assertThatThrownBy(() -> s3.createBucket(r -> r.bucket("bucket-life"))).isInstanceOf(BucketAlreadyOwnedByYouException.class);

        s3.putObject(r -> r.bucket("bucket-life").key("k"), RequestBody.fromString("v"));
        assertThatThrownBy(() -> s3.deleteBucket(r -> r.bucket("bucket-life"))).isInstanceOf(S3Exception.class)
                .matches(e -> ((S3Exception) e).awsErrorDetails().errorCode().equals("BucketNotEmpty"));
        ListObjectVersionsResponse versions = s3.listObjectVersions(r -> r.bucket("bucket-life"));
        s3.deleteObject(r -> r.bucket("bucket-life").key("k").versionId(versions.versions().getFirst().versionId()));
        s3.deleteBucket(r -> r.bucket("bucket-life"));
        assertThatThrownBy(() -> s3.headBucket(r -> r.bucket("bucket-life"))).isInstanceOf(NoSuchBucketException.class);
        assertThatThrownBy(() -> s3.listObjectsV2(r -> r.bucket("bucket-life"))).isInstanceOf(NoSuchBucketException.class);
    }

    @Test
    void objectsRoundTripWithMetadataRangesAndMd5ETags() throws Exception {
        s3.createBucket(r -> r.bucket("objects"));
        byte[] content = new byte[1_000_003];
        new Random(7).nextBytes(content);
        PutObjectResponse put = s3.putObject(r -> r.bucket("objects").key("dir/file with spaces+plus é.bin").contentType("application/x-test")
                .metadata(Map.of("build", "42")), RequestBody.fromBytes(content));
        assertThat(put.eTag()).isEqualTo("\"" + md5(content) + "\"");
        assertThat(put.versionId()).isNull();

        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(r -> r.bucket("objects").key("dir/file with spaces+plus é.bin"));
        assertThat(got.asByteArray()).isEqualTo(content);
        assertThat(got.response().contentType()).isEqualTo("application/x-test");
        assertThat(got.response().metadata()).containsEntry("build", "42");
        ResponseBytes<GetObjectResponse> range = s3.getObjectAsBytes(r -> r.bucket("objects").key("dir/file with spaces+plus é.bin")
                .range("bytes=1000-1999"));
        assertThat(range.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(content, 1000, 2000));
        assertThat(range.response().contentRange()).isEqualTo("bytes 1000-1999/1000003");
        HeadObjectResponse head = s3.headObject(r -> r.bucket("objects").key("dir/file with spaces+plus é.bin"));
        assertThat(head.contentLength()).isEqualTo(content.length);
        assertThat(head.eTag()).isEqualTo(put.eTag());

        s3.copyObject(r -> r.sourceBucket("objects").sourceKey("dir/file with spaces+plus é.bin").destinationBucket("objects").destinationKey("copy"));
        assertThat(s3.getObjectAsBytes(r -> r.bucket("objects").key("copy")).asByteArray()).isEqualTo(content);
        s3.deleteObject(r -> r.bucket("objects").key("copy"));
        assertThatThrownBy(() -> s3.getObject(r -> r.bucket("objects").key("copy"))).isInstanceOf(NoSuchKeyException.class);
        assertThatThrownBy(() -> s3.headObject(r -> r.bucket("objects").key("copy"))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void keysKeepEveryCharacterS3AllowsAndListingsEncodeThem() {
        s3.createBucket(r -> r.bucket("odd-keys"));
        List<String> keys = List.of("a//b", "50% done", "x+y=z", "ümlaut/ß", "trailing/", "tab\tand?query#hash", "~tilde&amp");
        keys.forEach(k -> s3.putObject(r -> r.bucket("odd-keys").key(k), RequestBody.fromString(k)));
        for (String k : keys) {
            assertThat(s3.getObjectAsBytes(r -> r.bucket("odd-keys").key(k)).asUtf8String()).as(k).isEqualTo(k);
        }
        // The SDK decodes what the endpoint encoded for encoding-type=url: the keys come back as they were.
        assertThat(s3.listObjectsV2(r -> r.bucket("odd-keys").encodingType("url")).contents()).extracting(S3Object::key)
                .containsExactlyInAnyOrderElementsOf(keys);
        assertThat(s3.listObjectsV2(r -> r.bucket("odd-keys")).contents()).extracting(S3Object::key).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void everyDefaultChecksumTrailerIsAcceptedAndVerified() {
        s3.createBucket(r -> r.bucket("checksums"));
        // CRC64NVME needs the SDK's native CRT library; ChecksumAlgorithmTest covers it with a raw trailer.
        for (ChecksumAlgorithm algorithm : List.of(ChecksumAlgorithm.CRC32, ChecksumAlgorithm.CRC32_C, ChecksumAlgorithm.SHA1,
                ChecksumAlgorithm.SHA256)) {
            byte[] content = ("checked with " + algorithm).repeat(10_000).getBytes(StandardCharsets.UTF_8);
            s3.putObject(r -> r.bucket("checksums").key(algorithm.toString()).checksumAlgorithm(algorithm), RequestBody.fromBytes(content));
            assertThat(s3.getObjectAsBytes(r -> r.bucket("checksums").key(algorithm.toString())).asByteArray()).isEqualTo(content);
        }
    }

    @Test
    void aVersionedBucketReturnsVersionIdsAndDeleteMarkers() {
        s3.createBucket(r -> r.bucket("versions"));
        s3.putBucketVersioning(r -> r.bucket("versions").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = s3.putObject(r -> r.bucket("versions").key("k"), RequestBody.fromString("one")).versionId();
        String v2 = s3.putObject(r -> r.bucket("versions").key("k"), RequestBody.fromString("two")).versionId();
        assertThat(v1).isNotBlank().isNotEqualTo(v2);
        assertThat(s3.getObjectAsBytes(r -> r.bucket("versions").key("k").versionId(v1)).asUtf8String()).isEqualTo("one");
        var deleted = s3.deleteObject(r -> r.bucket("versions").key("k"));
        assertThat(deleted.deleteMarker()).isTrue();
        ListObjectVersionsResponse listing = s3.listObjectVersions(r -> r.bucket("versions"));
        assertThat(listing.versions()).extracting(v -> v.versionId()).containsExactly(v2, v1);
        assertThat(listing.deleteMarkers()).singleElement().matches(m -> m.isLatest() && m.versionId().equals(deleted.versionId()));
        assertThatThrownBy(() -> s3.getObject(r -> r.bucket("versions").key("k"))).isInstanceOf(NoSuchKeyException.class);
        s3.deleteObject(r -> r.bucket("versions").key("k").versionId(deleted.versionId()));
        assertThat(s3.getObjectAsBytes(r -> r.bucket("versions").key("k")).asUtf8String()).isEqualTo("two");
    }

    @Test
    void multipartUploadsCompleteWithTheMultipartETag() throws Exception {
        s3.createBucket(r -> r.bucket("multipart"));
        String uploadId = s3.createMultipartUpload(r -> r.bucket("multipart").key("big")).uploadId();
        byte[] part1 = new byte[5 * 1024 * 1024];
        new Random(3).nextBytes(part1);
        byte[] part2 = "the end".getBytes(StandardCharsets.UTF_8);
        String e1 = s3.uploadPart(r -> r.bucket("multipart").key("big").uploadId(uploadId).partNumber(1), RequestBody.fromBytes(part1)).eTag();
        String e2 = s3.uploadPart(r -> r.bucket("multipart").key("big").uploadId(uploadId).partNumber(2), RequestBody.fromBytes(part2)).eTag();
        assertThat(s3.listParts(r -> r.bucket("multipart").key("big").uploadId(uploadId)).parts()).hasSize(2);
        var done = s3.completeMultipartUpload(r -> r.bucket("multipart").key("big").uploadId(uploadId).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())));
        MessageDigest md5s = MessageDigest.getInstance("MD5");
        md5s.update(MessageDigest.getInstance("MD5").digest(part1));
        md5s.update(MessageDigest.getInstance("MD5").digest(part2));
        assertThat(done.eTag()).isEqualTo("\"" + HexFormat.of().formatHex(md5s.digest()) + "-2\"");
        byte[] whole = s3.getObjectAsBytes(r -> r.bucket("multipart").key("big")).asByteArray();
        assertThat(whole).hasSize(part1.length + part2.length);
        assertThat(java.util.Arrays.copyOfRange(whole, part1.length, whole.length)).isEqualTo(part2);

        String aborted = s3.createMultipartUpload(r -> r.bucket("multipart").key("gone")).uploadId();
        s3.abortMultipartUpload(r -> r.bucket("multipart").key("gone").uploadId(aborted));
        assertThatThrownBy(() -> s3.listParts(r -> r.bucket("multipart").key("gone").uploadId(aborted)))
                .isInstanceOf(S3Exception.class).matches(e -> ((S3Exception) e).statusCode() == 404);
    }

    @Test
    void listingsPageWithDelimitersAndTheSdkPaginator() {
        s3.createBucket(r -> r.bucket("listing"));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            keys.add(String.format("flat-%02d", i));
        }
        keys.addAll(List.of("dir/a", "dir/b", "dir/sub/c", "other/d"));
        keys.forEach(k -> s3.putObject(r -> r.bucket("listing").key(k), RequestBody.fromString(k)));

        List<String> all = s3.listObjectsV2Paginator(r -> r.bucket("listing").maxKeys(7)).contents().stream().map(S3Object::key).toList();
        assertThat(all).hasSize(29).isSorted();
        ListObjectsV2Response top = s3.listObjectsV2(r -> r.bucket("listing").delimiter("/").prefix(""));
        assertThat(top.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("dir/", "other/");
        assertThat(top.contents()).hasSize(25);
        ListObjectsV2Response dir = s3.listObjectsV2(r -> r.bucket("listing").delimiter("/").prefix("dir/"));
        assertThat(dir.contents()).extracting(S3Object::key).containsExactly("dir/a", "dir/b");
        assertThat(dir.commonPrefixes()).extracting(p -> p.prefix()).containsExactly("dir/sub/");
        assertThat(s3.listObjects(r -> r.bucket("listing").prefix("dir/").marker("dir/a")).contents()).extracting(S3Object::key)
                .containsExactly("dir/b", "dir/sub/c");
    }

    @Test
    void encryptedObjectsAreServedDecryptedAndNeverRestInTheClear() throws IOException {
        s3.createBucket(r -> r.bucket("encrypted"));
        byte[] secret = new byte[600_000];
        new Random(11).nextBytes(secret);
        PutObjectResponse put = s3.putObject(r -> r.bucket("encrypted").key("secret").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId("alias/endpoint-test"), RequestBody.fromBytes(secret));
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(put.ssekmsKeyId()).startsWith("arn:aws:kms:us-east-1:000000000000:key/");
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(r -> r.bucket("encrypted").key("secret"));
        assertThat(got.asByteArray()).isEqualTo(secret);
        assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(s3.getObjectAsBytes(r -> r.bucket("encrypted").key("secret").range("bytes=300000-300099")).asByteArray())
                .isEqualTo(java.util.Arrays.copyOfRange(secret, 300_000, 300_100));
        assertThat(containsRun(secret, server.dataDir())).isNull();
    }

    @Test
    void largeAndEncryptedUploadsKeepS3sETagsAndDigestChecks() throws Exception {
        s3.createBucket(r -> r.bucket("large"));
        // Digested on the side, written with direct I/O (past 8 MiB, with a tail shorter than a block), read ahead.
        byte[] content = new byte[9 * 1024 * 1024 + 5];
        new Random(12).nextBytes(content);
        PutObjectResponse plain = s3.putObject(r -> r.bucket("large").key("plain"), RequestBody.fromBytes(content));
        assertThat(plain.eTag()).isEqualTo("\"" + md5(content) + "\"");
        assertThat(s3.getObjectAsBytes(r -> r.bucket("large").key("plain")).asByteArray()).isEqualTo(content);
        PutObjectResponse encrypted = s3.putObject(r -> r.bucket("large").key("encrypted").serverSideEncryption(ServerSideEncryption.AWS_KMS),
                RequestBody.fromBytes(content));
        // As S3 gives SSE-KMS objects: an ETag that is not the MD5 (the SDK knows not to check it against one).
        assertThat(encrypted.eTag()).matches("\"[0-9a-f]{32}\"").isNotEqualTo(plain.eTag());
        assertThat(s3.getObjectAsBytes(r -> r.bucket("large").key("encrypted")).asByteArray()).isEqualTo(content);

        String body = "x".repeat(5 * 1024 * 1024);
        for (Map<String, String> encryption : List.of(Map.<String, String>of(), Map.of("x-amz-server-side-encryption", "aws:kms"))) {
            Map<String, String> headers = new java.util.HashMap<>(encryption);
            headers.put("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==");
            HttpResponse<String> badMd5 = raw("PUT", "/large/bad-md5", body, headers);
            assertThat(badMd5.statusCode()).as("%s", encryption).isEqualTo(400);
            assertThat(badMd5.body()).contains("<Code>BadDigest</Code>");
            headers.put("Content-MD5", java.util.Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8))));
            assertThat(raw("PUT", "/large/good-md5", body, headers).statusCode()).as("%s", encryption).isEqualTo(200);
        }
        assertThatThrownBy(() -> s3.headObject(r -> r.bucket("large").key("bad-md5"))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void aCorruptedBlobIsNeverServedToItsEnd() throws Exception {
        s3.createBucket(r -> r.bucket("corrupted"));
        // Verified inline; read ahead; written and read with direct I/O.
        for (int size : new int[] {1000, 6 * 1024 * 1024 + 7, 9 * 1024 * 1024 + 7}) {
            byte[] content = new byte[size];
            new Random(size).nextBytes(content);
            s3.putObject(r -> r.bucket("corrupted").key("k" + size), RequestBody.fromBytes(content));
            Path blob = server.dataDir().resolve("artifacts/blobs").resolve(sha256(content).substring(0, 2)).resolve(sha256(content));
            byte[] stored = Files.readAllBytes(blob);
            stored[size - 10] ^= 1;
            Files.write(blob, stored);
            HttpRequest get = signed(HttpRequest.newBuilder(URI.create(server.endpoint() + "/corrupted/k" + size)), Map.of()).GET().build();
            try {
                HttpResponse<byte[]> response = HTTP.send(get, HttpResponse.BodyHandlers.ofByteArray());
                // Caught before anything was sent: an error, not the bytes.
                assertThat(response.statusCode()).as("%d bytes", size).isEqualTo(500);
            } catch (IOException cutShort) {
                // Caught after the response started: it stops short of its Content-Length, which the client reports.
                assertThat(size).isGreaterThan(1000);
            }
            // Ranges are verified too, by the 64 KiB chunks they touch: the start of a large object is intact, its end
            // is not; a small object is one chunk.
            HttpResponse<byte[]> head = HTTP.send(signed(HttpRequest.newBuilder(URI.create(server.endpoint() + "/corrupted/k" + size)),
                    Map.of("Range", "bytes=0-99")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (size > 64 * 1024) {
                assertThat(head.statusCode()).isEqualTo(206);
                assertThat(head.body()).isEqualTo(Arrays.copyOf(content, 100));
            } else {
                assertThat(head.statusCode()).isEqualTo(500);
            }
            HttpResponse<byte[]> tail = HTTP.send(signed(HttpRequest.newBuilder(URI.create(server.endpoint() + "/corrupted/k" + size)),
                    Map.of("Range", "bytes=-20")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(tail.statusCode()).as("%d bytes, the last 20", size).isEqualTo(500);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void objectsStoredByTheServerAreReadableByJobWorkers() throws IOException {
        s3.createBucket(r -> r.bucket("artifact-bucket"));
        s3.putBucketVersioning(r -> r.bucket("artifact-bucket").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        var version = server.server().objects().putObject("artifact-bucket", "MyPipeline/SourceArti/AbCdEf1",
                ObjectWrite.plain().withEncryptionKey("alias/artifacts"), new ByteArrayInputStream("zip bytes".getBytes(StandardCharsets.UTF_8)));
        assertThat(s3.getObjectAsBytes(r -> r.bucket("artifact-bucket").key("MyPipeline/SourceArti/AbCdEf1").versionId(version.versionId()))
                .asUtf8String()).isEqualTo("zip bytes");
    }

    @Test
    void malformedRequestsGetS3ErrorsAndTheServerKeepsServing() throws Exception {
        s3.createBucket(r -> r.bucket("malformed"));
        HttpResponse<String> badXml = raw("PUT", "/malformed?versioning", "<VersioningConfiguration><Status>", Map.of());
        assertThat(badXml.statusCode()).isEqualTo(400);
        assertThat(badXml.body()).contains("<Code>MalformedXML</Code>");
        HttpResponse<String> xxe = raw("PUT", "/malformed?versioning", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<VersioningConfiguration><Status>&e;</Status></VersioningConfiguration>", Map.of());
        assertThat(xxe.body()).contains("<Code>MalformedXML</Code>").doesNotContain("root:");
        HttpResponse<String> slip = raw("PUT", "/malformed/a/../../etc/passwd", "x", Map.of());
        assertThat(slip.statusCode()).isEqualTo(400);
        assertThat(slip.body()).contains("<Code>InvalidObjectName</Code>");
        HttpResponse<String> badChunk = raw("PUT", "/malformed/chunked", "zz;chunk-signature=abc\r\nhello\r\n0\r\n\r\n",
                Map.of("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length", "5"));
        assertThat(badChunk.body()).contains("<Code>InvalidRequest</Code>").contains("chunk size");
        HttpResponse<String> badCrc = raw("PUT", "/malformed/crc", "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n",
                Map.of("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length", "5",
                        "x-amz-trailer", "x-amz-checksum-crc32", "Content-Encoding", "aws-chunked"));
        assertThat(badCrc.statusCode()).isEqualTo(400);
        assertThat(badCrc.body()).contains("<Code>BadDigest</Code>");
        HttpResponse<String> badMd5 = raw("PUT", "/malformed/md5", "hello", Map.of("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA=="));
        assertThat(badMd5.body()).contains("<Code>BadDigest</Code>");
        HttpResponse<String> noBucket = raw("GET", "/no-such-bucket-here/key", "", Map.of());
        assertThat(noBucket.statusCode()).isEqualTo(404);
        assertThat(noBucket.body()).contains("<Code>NoSuchBucket</Code>");
        HttpResponse<String> unsupported = raw("GET", "/malformed?acl", "", Map.of());
        assertThat(unsupported.statusCode()).isEqualTo(501);
        assertThat(s3.listObjectsV2(r -> r.bucket("malformed")).contents()).isEmpty();
        HttpResponse<String> good = raw("PUT", "/malformed/ok", "fine", Map.of());
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(s3.getObjectAsBytes(r -> r.bucket("malformed").key("ok")).asUtf8String()).isEqualTo("fine");
    }

    @Test
    void jsonApisAndS3ShareThePortRoutedByTheRequest() throws Exception {
        assertThat(server.codePipeline().listPipelines().pipelines()).isNotNull();
        HttpResponse<String> signedForOtherService = raw("GET", "/whatever", "", Map.of("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/codebuild/aws4_request, SignedHeaders=host, Signature=abc"));
        assertThat(signedForOtherService.statusCode()).isEqualTo(404);
        HttpResponse<String> presigned = raw("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=abc", "", Map.of());
        assertThat(presigned.body()).as("routed to S3, which knows no key AKID").contains("<Code>InvalidAccessKeyId</Code>");
        URI presignedByAdmin = dev.conveyor.testkit.TestSigner.admin().presign("GET", URI.create(server.endpoint() + "/"), 60,
                java.time.Instant.now());
        assertThat(HTTP.send(HttpRequest.newBuilder(presignedByAdmin).GET().build(), HttpResponse.BodyHandlers.ofString()).body())
                .contains("<ListAllMyBucketsResult");
        HttpResponse<String> health = raw("GET", "/healthz", "", Map.of());
        assertThat(health.body()).contains("ok");
    }

    /**
     * A body that differs from the sha256 its signature covers is refused (XAmzContentSHA256Mismatch) and stores
     * nothing, small or large, plaintext or encrypted, whole or as a part; the same body under its own hash is stored.
     * The local store makes this check from the digest it computes anyway, so the endpoint no longer digests the body
     * a second time: this proves the check was not lost with it.
     */
    @Test
    void aBodyThatDiffersFromItsSignedSha256IsRefusedAndNothingStored() throws Exception {
        s3.createBucket(r -> r.bucket("signed-payload"));
        String uploadId = s3.createMultipartUpload(r -> r.bucket("signed-payload").key("parts")).uploadId();
        for (int size : new int[] {5, 9 * 1024 * 1024 + 7}) {
            byte[] body = new byte[size];
            new java.util.Random(size).nextBytes(body);
            byte[] other = body.clone();
            other[size / 2] ^= 1;
            String otherHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(other));
            for (Map<String, String> encryption : List.of(Map.<String, String>of(), Map.of("x-amz-server-side-encryption", "aws:kms"))) {
                String key = "k" + size + (encryption.isEmpty() ? "" : "-encrypted");
                Map<String, String> tampered = new java.util.HashMap<>(encryption);
                tampered.put("x-amz-content-sha256", otherHash);
                HttpResponse<String> refused = put("/signed-payload/" + key, body, tampered);
                assertThat(refused.statusCode()).as(key).isEqualTo(400);
                assertThat(refused.body()).as(key).contains("<Code>XAmzContentSHA256Mismatch</Code>");
                assertThatThrownBy(() -> s3.headObject(r -> r.bucket("signed-payload").key(key))).as(key).isInstanceOf(NoSuchKeyException.class);
                HttpResponse<String> stored = put("/signed-payload/" + key, body, encryption);
                assertThat(stored.statusCode()).as(key).isEqualTo(200);
                assertThat(s3.getObjectAsBytes(r -> r.bucket("signed-payload").key(key)).asByteArray()).as(key).isEqualTo(body);
            }
            HttpResponse<String> part = put("/signed-payload/parts?partNumber=1&uploadId=" + uploadId, body,
                    Map.of("x-amz-content-sha256", otherHash));
            assertThat(part.body()).contains("<Code>XAmzContentSHA256Mismatch</Code>");
            assertThat(s3.listParts(r -> r.bucket("signed-payload").key("parts").uploadId(uploadId)).parts()).isEmpty();
        }
    }

    /** A PUT of {@code body}, signed with its sha256 unless {@code headers} declare another. */
    private static HttpResponse<String> put(String path, byte[] body, Map<String, String> headers) throws Exception {
        URI uri = URI.create(server.endpoint() + path);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(builder::header);
        dev.conveyor.testkit.TestSigner.admin().sign("PUT", uri, headers, body, "s3").forEach((name, value) -> {
            if (!headers.containsKey(name)) {
                builder.header(name, value);
            }
        });
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request as the test writes it, signed with the test key (for S3) unless it carries a signature of its own. */
    private static HttpResponse<String> raw(String method, String path, String body, Map<String, String> headers) throws Exception {
        URI uri = URI.create(server.endpoint() + path);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        if (!headers.containsKey("Authorization") && !path.contains("X-Amz-Credential") && !path.equals("/healthz")) {
            dev.conveyor.testkit.TestSigner.admin().sign(method, uri, headers, body.getBytes(StandardCharsets.UTF_8), "s3")
                    .forEach(builder::header);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder signed(HttpRequest.Builder builder, Map<String, String> headers) {
        URI uri = builder.copy().GET().build().uri();
        headers.forEach(builder::header);
        dev.conveyor.testkit.TestSigner.admin().sign("GET", uri, headers, new byte[0], "s3").forEach(builder::header);
        return builder;
    }

    /** Where a 64-byte run of {@code plaintext} is stored under {@code root}, or null. */
    static String containsRun(byte[] plaintext, Path root) throws IOException {
        int run = 32;
        java.util.Set<String> needles = new java.util.HashSet<>();
        for (int i = 0; i + run <= plaintext.length; i += run) {
            needles.add(new String(plaintext, i, run, StandardCharsets.ISO_8859_1));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (int i = 0; i + run <= text.length(); i++) {
                if (needles.contains(text.substring(i, i + run))) {
                    return file + " at " + i;
                }
            }
        }
        return null;
    }
}
