package dev.conveyor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.object.ByteRange;
import dev.conveyor.artifacts.object.CompletedPart;
import dev.conveyor.artifacts.object.DeleteResult;
import dev.conveyor.artifacts.object.MultipartUpload;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectListing;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.local.LocalObjectStore;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.artifacts.object.SystemMetadata;
import dev.conveyor.artifacts.object.UploadedPart;
import dev.conveyor.artifacts.object.VersionListing;
import dev.conveyor.artifacts.object.Versioning;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Buckets and versioned objects with S3's semantics on local blobs, on the embedded database and PostgreSQL. */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class LocalObjectStoreTest {
    @Parameter
    String databaseKind;

    private ArtifactsFixture fixture;

    @BeforeEach
    void open() {
        fixture = new ArtifactsFixture(databaseKind, 64L * 1024 * 1024);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private ObjectVersion put(String bucket, String key, String content) {
        return put(bucket, key, content.getBytes(StandardCharsets.UTF_8), null);
    }

    private ObjectVersion put(String bucket, String key, byte[] content, String keyId) {
        return fixture.objects.putObject(bucket, key, new ObjectWrite(content.length, "text/plain", Map.of("team", "a"), keyId, null, null),
                new ByteArrayInputStream(content));
    }

    private String read(String bucket, String key, String versionId) throws IOException {
        try (ObjectContent content = fixture.objects.getObject(bucket, key, versionId, null)) {
            return new String(content.stream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void bucketsAreCreatedListedAndDeletedOnlyWhenEmpty() {
        fixture.objects.createBucket("beta");
        fixture.objects.createBucket("alpha");
        assertThat(fixture.objects.listBuckets()).extracting(b -> b.name()).containsExactly("alpha", "beta");
        assertThatThrownBy(() -> fixture.objects.createBucket("alpha")).isInstanceOf(S3Exception.class)
                .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.BucketAlreadyOwnedByYou);
        assertThatThrownBy(() -> fixture.objects.createBucket("Not_Valid")).extracting(e -> ((S3Exception) e).code())
                .isEqualTo(S3ErrorCode.InvalidBucketName);
        put("alpha", "k", "v");
        assertThatThrownBy(() -> fixture.objects.deleteBucket("alpha")).extracting(e -> ((S3Exception) e).code())
                .isEqualTo(S3ErrorCode.BucketNotEmpty);
        fixture.objects.deleteObject("alpha", "k", null);
        fixture.objects.deleteBucket("alpha");
        assertThatThrownBy(() -> fixture.objects.headBucket("alpha")).extracting(e -> ((S3Exception) e).code())
                .isEqualTo(S3ErrorCode.NoSuchBucket);
    }

    @Test
    void anUnversionedBucketKeepsOneNullVersionPerKey() throws IOException {
        fixture.objects.createBucket("plain");
        ObjectVersion first = put("plain", "k", "one");
        assertThat(first.versionId()).isEqualTo("null");
        assertThat(first.etag()).isEqualTo("\"f97c5d29941bfb1b2fdab0874906ab82\""); // MD5 of "one"
        put("plain", "k", "two");
        assertThat(read("plain", "k", null)).isEqualTo("two");
        assertThat(fixture.objects.listObjectVersions("plain", null, null, null, null, 100).versions()).hasSize(1);
        DeleteResult deleted = fixture.objects.deleteObject("plain", "k", null);
        assertThat(deleted.deleteMarker()).isFalse();
        assertThatThrownBy(() -> read("plain", "k", null)).extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.NoSuchKey);
        assertThat(blobFiles()).isEmpty();
    }

    @Test
    void aVersionedBucketKeepsEveryVersionAndDeleteMarkers() throws IOException {
        fixture.objects.createBucket("versioned");
        fixture.objects.setVersioning("versioned", true);
        ObjectVersion v1 = put("versioned", "k", "one");
        ObjectVersion v2 = put("versioned", "k", "two");
        assertThat(v1.versionId()).isNotEqualTo(v2.versionId()).isNotEqualTo("null");
        assertThat(read("versioned", "k", null)).isEqualTo("two");
        assertThat(read("versioned", "k", v1.versionId())).isEqualTo("one");

        DeleteResult marker = fixture.objects.deleteObject("versioned", "k", null);
        assertThat(marker.deleteMarker()).isTrue();
        assertThatThrownBy(() -> read("versioned", "k", null)).isInstanceOf(S3Exception.class)
                .matches(e -> ((S3Exception) e).deleteMarker() && ((S3Exception) e).code() == S3ErrorCode.NoSuchKey);
        assertThat(read("versioned", "k", v1.versionId())).isEqualTo("one");
        VersionListing versions = fixture.objects.listObjectVersions("versioned", null, null, null, null, 100);
        assertThat(versions.versions()).extracting(ObjectVersion::versionId)
                .containsExactly(marker.versionId(), v2.versionId(), v1.versionId());
        assertThat(versions.versions().getFirst().latest()).isTrue();
        assertThat(fixture.objects.listObjects("versioned", null, null, null, null, 100).objects()).isEmpty();

        fixture.objects.deleteObject("versioned", "k", marker.versionId());
        assertThat(read("versioned", "k", null)).isEqualTo("two");
        fixture.objects.deleteObject("versioned", "k", v2.versionId());
        assertThat(read("versioned", "k", null)).isEqualTo("one");
        assertThatThrownBy(() -> read("versioned", "k", v2.versionId())).extracting(e -> ((S3Exception) e).code())
                .isEqualTo(S3ErrorCode.NoSuchVersion);

        fixture.objects.setVersioning("versioned", false);
        assertThat(fixture.objects.headBucket("versioned").versioning()).isEqualTo(Versioning.SUSPENDED);
        assertThat(put("versioned", "k", "suspended").versionId()).isEqualTo("null");
        assertThat(put("versioned", "k", "again").versionId()).isEqualTo("null");
        assertThat(fixture.objects.listObjectVersions("versioned", null, null, null, null, 100).versions())
                .extracting(ObjectVersion::versionId).containsExactly("null", v1.versionId());
    }

    @Test
    void identicalContentIsStoredOnceAndItsBlobGoesWithTheLastReference() throws IOException {
        fixture.objects.createBucket("dedup");
        put("dedup", "a", "same");
        put("dedup", "b", "same");
        fixture.objects.copyObject("dedup", "a", null, "dedup", "c", null);
        assertThat(blobFiles()).hasSize(1);
        fixture.objects.deleteObject("dedup", "a", null);
        fixture.objects.deleteObject("dedup", "b", null);
        assertThat(blobFiles()).hasSize(1);
        assertThat(read("dedup", "c", null)).isEqualTo("same");
        fixture.objects.deleteObject("dedup", "c", null);
        assertThat(blobFiles()).isEmpty();
    }

    @Test
    void listsWithPrefixDelimiterAndPagesInByteOrder() {
        fixture.objects.createBucket("list");
        List<String> keys = List.of("a/1", "a/2", "a/b/3", "b", "c/x", "c/y", "d", "é", "z");
        keys.forEach(k -> put("list", k, k));

        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            ObjectListing page = fixture.objects.listObjects("list", null, null, null, token, 2);
            page.objects().forEach(o -> seen.add(o.key()));
            token = page.nextContinuationToken();
            assertThat(page.truncated()).isEqualTo(token != null);
        } while (token != null);
        assertThat(seen).containsExactly("a/1", "a/2", "a/b/3", "b", "c/x", "c/y", "d", "z", "é");

        ObjectListing top = fixture.objects.listObjects("list", null, "/", null, null, 1000);
        assertThat(top.commonPrefixes()).containsExactly("a/", "c/");
        assertThat(top.objects()).extracting(ObjectVersion::key).containsExactly("b", "d", "z", "é");
        ObjectListing inA = fixture.objects.listObjects("list", "a/", "/", null, null, 1000);
        assertThat(inA.objects()).extracting(ObjectVersion::key).containsExactly("a/1", "a/2");
        assertThat(inA.commonPrefixes()).containsExactly("a/b/");
        ObjectListing paged = fixture.objects.listObjects("list", null, "/", null, null, 3);
        assertThat(paged.commonPrefixes()).containsExactly("a/", "c/");
        assertThat(paged.objects()).extracting(ObjectVersion::key).containsExactly("b");
        ObjectListing rest = fixture.objects.listObjects("list", null, "/", null, paged.nextContinuationToken(), 3);
        assertThat(rest.objects()).extracting(ObjectVersion::key).containsExactly("d", "z", "é");
        assertThat(fixture.objects.listObjects("list", null, null, "c/x", null, 2).objects()).extracting(ObjectVersion::key)
                .containsExactly("c/y", "d");
    }

    @Test
    void versionListingsPageByKeyAndVersionMarkers() {
        fixture.objects.createBucket("version-list");
        fixture.objects.setVersioning("version-list", true);
        List<String> expected = new ArrayList<>();
        for (String key : List.of("a", "b")) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.addFirst(key + ":" + put("version-list", key, key + i).versionId());
            }
            expected.addAll(ids);
        }
        List<String> seen = new ArrayList<>();
        String keyMarker = null;
        String versionMarker = null;
        VersionListing page;
        do {
            page = fixture.objects.listObjectVersions("version-list", null, null, keyMarker, versionMarker, 2);
            page.versions().forEach(v -> seen.add(v.key() + ":" + v.versionId()));
            keyMarker = page.nextKeyMarker();
            versionMarker = page.nextVersionIdMarker();
        } while (page.truncated());
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void encryptedObjectsServeRangesAcrossChunksAndParts() throws IOException {
        fixture.objects.createBucket("enc");
        byte[] content = new byte[700_000];
        new Random(1).nextBytes(content);
        put("enc", "obj", content, "alias/ranges");
        for (long[] range : new long[][] {{0, 0}, {5, 262_150}, {262_143, 262_144}, {699_990, 699_999}, {100, 600_000}}) {
            try (ObjectContent c = fixture.objects.getObject("enc", "obj", null, new ByteRange(range[0], range[1], null))) {
                byte[] expected = java.util.Arrays.copyOfRange(content, (int) range[0], (int) range[1] + 1);
                assertThat(c.stream().readAllBytes()).as("range %d-%d", range[0], range[1]).isEqualTo(expected);
            }
        }
        try (ObjectContent c = fixture.objects.getObject("enc", "obj", null, new ByteRange(null, null, 10L))) {
            assertThat(c.stream().readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 699_990, 700_000));
        }
        assertThatThrownBy(() -> fixture.objects.getObject("enc", "obj", null, new ByteRange(700_000L, null, null)))
                .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.InvalidRange);

        MultipartUpload upload = fixture.objects.createMultipartUpload("enc", "multi", ObjectWrite.plain().withEncryptionKey("alias/ranges"));
        byte[] part1 = new byte[5 * 1024 * 1024];
        new Random(2).nextBytes(part1);
        byte[] part2 = "tail".getBytes(StandardCharsets.UTF_8);
        UploadedPart p2 = fixture.objects.uploadPart("enc", "multi", upload.uploadId(), 2, ObjectWrite.plain(), new ByteArrayInputStream(part2));
        UploadedPart p1 = fixture.objects.uploadPart("enc", "multi", upload.uploadId(), 1, ObjectWrite.plain(), new ByteArrayInputStream(part1));
        assertThat(fixture.objects.listParts("enc", "multi", upload.uploadId())).extracting(UploadedPart::partNumber).containsExactly(1, 2);
        ObjectVersion done = fixture.objects.completeMultipartUpload("enc", "multi", upload.uploadId(),
                List.of(new CompletedPart(1, p1.etag()), new CompletedPart(2, p2.etag())));
        assertThat(done.etag()).endsWith("-2\"");
        assertThat(done.size()).isEqualTo(part1.length + 4L);
        try (ObjectContent c = fixture.objects.getObject("enc", "multi", null, new ByteRange((long) part1.length - 2, null, null))) {
            assertThat(c.stream().readAllBytes()).isEqualTo(new byte[] {part1[part1.length - 2], part1[part1.length - 1], 't', 'a', 'i', 'l'});
        }
        assertThatThrownBy(() -> fixture.objects.listParts("enc", "multi", upload.uploadId()))
                .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.NoSuchUpload);
    }

    @Test
    void systemMetadataIsKeptPerVersionThroughCopiesAndUploadsAndByAReopenedStore() {
        fixture.objects.createBucket("sysmeta");
        fixture.objects.setVersioning("sysmeta", true);
        SystemMetadata first = new SystemMetadata("max-age=60", "inline", "gzip", "en", "Thu, 01 Jan 2099 00:00:00 GMT");
        byte[] content = "body".getBytes(StandardCharsets.UTF_8);
        ObjectVersion v1 = fixture.objects.putObject("sysmeta", "k", ObjectWrite.plain().withLength(content.length).withSystem(first),
                new ByteArrayInputStream(content));
        ObjectVersion v2 = fixture.objects.putObject("sysmeta", "k", ObjectWrite.plain().withLength(content.length)
                .withSystem(SystemMetadata.NONE.withCacheControl("no-cache")), new ByteArrayInputStream(content));
        assertThat(v1.system()).isEqualTo(first);
        // A copy keeps the source version's (null replacement), re-encrypting too, or takes the replacement's.
        fixture.objects.copyObject("sysmeta", "k", v1.versionId(), "sysmeta", "same", null);
        fixture.objects.copyObject("sysmeta", "k", v1.versionId(), "sysmeta", "sealed", ObjectWrite.plain().withSystem(first)
                .withEncryptionKey("alias/sysmeta"));
        fixture.objects.copyObject("sysmeta", "k", v1.versionId(), "sysmeta", "replaced", ObjectWrite.plain());
        MultipartUpload upload = fixture.objects.createMultipartUpload("sysmeta", "parts", ObjectWrite.plain().withSystem(first));
        UploadedPart part = fixture.objects.uploadPart("sysmeta", "parts", upload.uploadId(), 1, ObjectWrite.plain().withLength(content.length),
                new ByteArrayInputStream(content));
        fixture.objects.completeMultipartUpload("sysmeta", "parts", upload.uploadId(), List.of(new CompletedPart(1, part.etag())));

        LocalObjectStore reopened = new LocalObjectStore(fixture.database, fixture.dataDir.resolve("artifacts"), fixture.keyring,
                java.time.Clock.systemUTC(), Long.MAX_VALUE);
        assertThat(reopened.headObject("sysmeta", "k", v1.versionId()).system()).isEqualTo(first);
        assertThat(reopened.headObject("sysmeta", "k", v2.versionId()).system()).isEqualTo(SystemMetadata.NONE.withCacheControl("no-cache"));
        assertThat(reopened.headObject("sysmeta", "same", null).system()).isEqualTo(first);
        assertThat(reopened.headObject("sysmeta", "sealed", null).system()).isEqualTo(first);
        assertThat(reopened.headObject("sysmeta", "sealed", null).kmsKeyId()).isNotNull();
        assertThat(reopened.headObject("sysmeta", "replaced", null).system()).isEqualTo(SystemMetadata.NONE);
        assertThat(reopened.headObject("sysmeta", "parts", null).system()).isEqualTo(first);
    }

    @Test
    void multipartRulesAreEnforcedAndAbortingReleasesParts() throws IOException {
        fixture.objects.createBucket("multipart");
        MultipartUpload upload = fixture.objects.createMultipartUpload("multipart", "k", ObjectWrite.plain());
        UploadedPart small = fixture.objects.uploadPart("multipart", "k", upload.uploadId(), 1, ObjectWrite.plain(), new ByteArrayInputStream(new byte[10]));
        UploadedPart last = fixture.objects.uploadPart("multipart", "k", upload.uploadId(), 2, ObjectWrite.plain(), new ByteArrayInputStream(new byte[10]));
        assertThatThrownBy(() -> fixture.objects.completeMultipartUpload("multipart", "k", upload.uploadId(),
                List.of(new CompletedPart(1, small.etag()), new CompletedPart(2, last.etag()))))
                .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.EntityTooSmall);
        assertThatThrownBy(() -> fixture.objects.completeMultipartUpload("multipart", "k", upload.uploadId(),
                List.of(new CompletedPart(2, last.etag()), new CompletedPart(1, small.etag()))))
                .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.InvalidPartOrder);
        assertThatThrownBy(() -> fixture.objects.completeMultipartUpload("multipart", "k", upload.uploadId(),
                List.of(new CompletedPart(1, "\"0000\""))))
                .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.InvalidPart);
        assertThat(fixture.objects.listMultipartUploads("multipart", null, 10)).hasSize(1);
        assertThatThrownBy(() -> fixture.objects.deleteBucket("multipart")).extracting(e -> ((S3Exception) e).code())
                .isEqualTo(S3ErrorCode.BucketNotEmpty);
        fixture.objects.abortMultipartUpload("multipart", "k", upload.uploadId());
        assertThat(blobFiles()).isEmpty();
        fixture.objects.deleteBucket("multipart");
    }

    @Test
    void sizeLimitsDigestsAndKeysAreChecked() {
        fixture.objects.createBucket("checks");
        assertThatThrownBy(() -> fixture.objects.putObject("checks", "huge", ObjectWrite.plain().withLength(65L * 1024 * 1024),
                new ByteArrayInputStream(new byte[0]))).extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.EntityTooLarge);
        assertThatThrownBy(() -> fixture.objects.putObject("checks", "md5", new ObjectWrite(3, null, null, null, "AAAAAAAAAAAAAAAAAAAAAA==", null),
                new ByteArrayInputStream(new byte[3]))).extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.BadDigest);
        assertThatThrownBy(() -> fixture.objects.putObject("checks", "short", ObjectWrite.plain().withLength(10),
                new ByteArrayInputStream(new byte[3]))).extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.IncompleteBody);
        for (String key : List.of("../etc/passwd", "a/../../b", "/absolute", "a/./b")) {
            assertThatThrownBy(() -> put("checks", key, "x")).as(key).extracting(e -> ((S3Exception) e).code())
                    .isEqualTo(S3ErrorCode.InvalidObjectName);
        }
        assertThat(blobFiles()).isEmpty();
    }

    @Test
    void plaintextETagsAreMd5sAndEncryptedOnesAreNotAsForSseKms() throws Exception {
        fixture.objects.createBucket("etags");
        for (int size : new int[] {1000, 6 * 1024 * 1024 + 1}) { // digested inline, and on a thread of their own
            byte[] content = new byte[size];
            new Random(size).nextBytes(content);
            ObjectVersion plain = put("etags", "plain-" + size, content, null);
            assertThat(plain.etag()).isEqualTo(quoted(hex("MD5", content)));
            assertThat(plain.sha256()).isEqualTo(hex("SHA-256", content));

            ObjectVersion encrypted = put("etags", "encrypted-" + size, content, "alias/etags");
            assertThat(encrypted.sha256()).isEqualTo(hex("SHA-256", content));
            assertThat(encrypted.etag()).isEqualTo(quoted(hex("SHA-256", content).substring(0, 32)));
            ObjectVersion again = put("etags", "encrypted-" + size, content, "alias/etags");
            assertThat(again.etag()).as("the same content, the same ETag").isEqualTo(encrypted.etag());
            try (ObjectContent c = fixture.objects.getObject("etags", "encrypted-" + size, null, null)) {
                assertThat(c.stream().readAllBytes()).isEqualTo(content);
            }
        }
        MultipartUpload upload = fixture.objects.createMultipartUpload("etags", "multi", ObjectWrite.plain().withEncryptionKey("alias/etags"));
        UploadedPart part = fixture.objects.uploadPart("etags", "multi", upload.uploadId(), 1, ObjectWrite.plain(),
                new ByteArrayInputStream("part".getBytes(StandardCharsets.UTF_8)));
        assertThat(part.etag()).as("parts keep MD5 ETags").isEqualTo(quoted(hex("MD5", "part".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void clientDigestsAreCheckedWhetherDigestedInlineOrOnTheSide() throws Exception {
        fixture.objects.createBucket("digests");
        for (int size : new int[] {3, 6 * 1024 * 1024 + 1}) {
            byte[] content = new byte[size];
            new Random(size).nextBytes(content);
            String md5 = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(content));
            for (String keyId : new String[] {null, "alias/digests"}) {
                String what = size + " bytes, key " + keyId;
                assertThatThrownBy(() -> fixture.objects.putObject("digests", "bad-md5", new ObjectWrite(size, null, null, keyId,
                        "AAAAAAAAAAAAAAAAAAAAAA==", null), new ByteArrayInputStream(content))).as(what)
                        .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.BadDigest);
                assertThatThrownBy(() -> fixture.objects.putObject("digests", "bad-sha", new ObjectWrite(size, null, null, keyId,
                        null, "0".repeat(64)), new ByteArrayInputStream(content))).as(what)
                        .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.XAmzContentSHA256Mismatch);
                ObjectVersion good = fixture.objects.putObject("digests", "good", new ObjectWrite(size, null, null, keyId, md5,
                        hex("SHA-256", content)), new ByteArrayInputStream(content));
                assertThat(good.size()).as(what).isEqualTo(size);
            }
        }
        assertThatThrownBy(() -> fixture.objects.headObject("digests", "bad-md5", null)).isInstanceOf(S3Exception.class);
        assertThatThrownBy(() -> fixture.objects.headObject("digests", "bad-sha", null)).isInstanceOf(S3Exception.class);
        fixture.objects.deleteObject("digests", "good", null);
        assertThat(blobFiles()).isEmpty();
    }

    private static String hex(String algorithm, byte[] content) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance(algorithm).digest(content));
    }

    private static String quoted(String etag) {
        return "\"" + etag + "\"";
    }

    @Test
    void concurrentWritesToOneKeyLeaveExactlyOneLatestVersion() throws Exception {
        fixture.objects.createBucket("race");
        fixture.objects.setVersioning("race", true);
        try (var pool = Executors.newFixedThreadPool(8)) {
            var futures = IntStream.range(0, 40).mapToObj(i -> pool.submit(() -> put("race", "k", "same content"))).toList();
            for (var f : futures) {
                f.get();
            }
        }
        VersionListing versions = fixture.objects.listObjectVersions("race", null, null, null, null, 1000);
        assertThat(versions.versions()).hasSize(40);
        assertThat(versions.versions().stream().filter(ObjectVersion::latest)).hasSize(1);
        assertThat(versions.versions().getFirst().latest()).isTrue();
        assertThat(blobFiles()).hasSize(1);
    }

    private List<Path> blobFiles() {
        try (Stream<Path> files = Files.walk(fixture.dataDir.resolve("artifacts/blobs"))) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
