package dev.conveyor.artifacts.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.ArtifactNotFoundException;
import dev.conveyor.artifacts.ArtifactPlacement;
import dev.conveyor.artifacts.ArtifactRetention;
import dev.conveyor.artifacts.ArtifactUse;
import dev.conveyor.artifacts.ObjectArtifactStore;
import dev.conveyor.artifacts.RetentionPolicy;
import dev.conveyor.artifacts.StoredArtifact;
import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.artifacts.object.ByteRange;
import dev.conveyor.artifacts.object.CompletedPart;
import dev.conveyor.artifacts.object.MultipartUpload;
import dev.conveyor.artifacts.object.ObjectListing;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.artifacts.object.SystemMetadata;
import dev.conveyor.artifacts.object.Versioning;
import dev.conveyor.model.pipeline.EncryptionKey;
import dev.conveyor.store.ArtifactRepository;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.MotoServer;
import dev.conveyor.testkit.TestDatabases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The external object store against moto's S3 server: buckets and versions are moto's, ciphertext is all it sees. */
class ExternalS3ObjectStoreTest {
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    private static MotoServer moto;
    private static S3Client direct;

    @TempDir
    Path work;

    @BeforeAll
    static void startMoto() {
        moto = MotoServer.start();
        direct = S3Client.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(CREDENTIALS).build();
    }

    @AfterAll
    static void stopMoto() {
        direct.close();
        moto.close();
    }

    private ExternalS3ObjectStore store(Keyring keyring) {
        return new ExternalS3ObjectStore(URI.create(moto.endpoint()), "us-east-1", CREDENTIALS, keyring, work.resolve("spool"), 1L << 40);
    }

    @Test
    void bucketsVersionsAndRangesAreTheServicesOwn() throws IOException {
        Keyring keyring = new Keyring(work.resolve("keys"), Clock.systemUTC());
        try (ExternalS3ObjectStore store = store(keyring)) {
            store.createBucket("ext-plain");
            store.setVersioning("ext-plain", true);
            assertThat(store.headBucket("ext-plain").versioning()).isEqualTo(Versioning.ENABLED);
            ObjectVersion v1 = store.putObject("ext-plain", "k", ObjectWrite.plain().withLength(3), new ByteArrayInputStream("one".getBytes()));
            ObjectVersion v2 = store.putObject("ext-plain", "k", ObjectWrite.plain(), new ByteArrayInputStream("two!".getBytes()));
            assertThat(v1.versionId()).isNotEqualTo(v2.versionId());
            try (ObjectContent c = store.getObject("ext-plain", "k", v1.versionId(), null)) {
                assertThat(new String(c.stream().readAllBytes())).isEqualTo("one");
            }
            try (ObjectContent c = store.getObject("ext-plain", "k", null, new ByteRange(1L, 2L, null))) {
                assertThat(new String(c.stream().readAllBytes())).isEqualTo("wo");
            }
            assertThat(direct.getObjectAsBytes(r -> r.bucket("ext-plain").key("k")).asUtf8String()).isEqualTo("two!");
            assertThat(store.listObjectVersions("ext-plain", null, null, null, null, 100).versions()).hasSize(2);
            assertThat(store.listBuckets()).extracting(b -> b.name()).contains("ext-plain");
            assertThatThrownBy(() -> store.getObject("ext-plain", "missing", null, null)).isInstanceOf(S3Exception.class)
                    .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.NoSuchKey);
            assertThatThrownBy(() -> store.headBucket("ext-missing")).isInstanceOf(S3Exception.class)
                    .extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.NoSuchBucket);
        }
    }

    @Test
    void systemMetadataIsSetOnTheServicesObjectsAndReadBack() {
        Keyring keyring = new Keyring(work.resolve("keys"), Clock.systemUTC());
        SystemMetadata first = new SystemMetadata("max-age=60", "attachment; filename=\"a.bin\"", "gzip", "en",
                "Thu, 01 Jan 2099 00:00:00 GMT");
        try (ExternalS3ObjectStore store = store(keyring)) {
            store.createBucket("ext-sysmeta");
            store.putObject("ext-sysmeta", "plain", ObjectWrite.plain().withLength(3).withSystem(first), new ByteArrayInputStream("one".getBytes()));
            store.putObject("ext-sysmeta", "sealed", ObjectWrite.plain().withEncryptionKey("alias/external").withSystem(first),
                    new ByteArrayInputStream("two".getBytes()));
            store.copyObject("ext-sysmeta", "plain", null, "ext-sysmeta", "copied", null);
            store.copyObject("ext-sysmeta", "plain", null, "ext-sysmeta", "replaced", ObjectWrite.plain()
                    .withSystem(SystemMetadata.NONE.withCacheControl("no-store")));
            MultipartUpload upload = store.createMultipartUpload("ext-sysmeta", "parts", ObjectWrite.plain().withSystem(first));
            var part = store.uploadPart("ext-sysmeta", "parts", upload.uploadId(), 1, ObjectWrite.plain().withLength(4),
                    new ByteArrayInputStream("tail".getBytes()));
            store.completeMultipartUpload("ext-sysmeta", "parts", upload.uploadId(), List.of(new CompletedPart(1, part.etag())));

            for (String key : List.of("plain", "sealed", "copied", "parts")) {
                assertThat(store.headObject("ext-sysmeta", key, null).system()).as(key).isEqualTo(first);
                var head = direct.headObject(r -> r.bucket("ext-sysmeta").key(key));
                assertThat(head.cacheControl()).as(key + " in moto").isEqualTo("max-age=60");
                assertThat(head.contentDisposition()).as(key + " in moto").isEqualTo("attachment; filename=\"a.bin\"");
                assertThat(head.contentLanguage()).as(key + " in moto").isEqualTo("en");
            }
            assertThat(store.headObject("ext-sysmeta", "replaced", null).system()).isEqualTo(SystemMetadata.NONE.withCacheControl("no-store"));
        }
    }

    @Test
    void encryptedObjectsReachTheServiceOnlyAsCiphertext() throws IOException {
        Keyring keyring = new Keyring(work.resolve("keys"), Clock.systemUTC());
        byte[] secret = new byte[700_000];
        new Random(9).nextBytes(secret);
        try (ExternalS3ObjectStore store = store(keyring)) {
            store.createBucket("ext-encrypted");
            ObjectVersion known = store.putObject("ext-encrypted", "known-length",
                    new ObjectWrite(secret.length, "application/zip", Map.of("team", "a"), "alias/external", null, null),
                    new ByteArrayInputStream(secret));
            ObjectVersion unknown = store.putObject("ext-encrypted", "unknown-length",
                    ObjectWrite.plain().withEncryptionKey("alias/external"), new ByteArrayInputStream(secret));
            assertThat(known.size()).isEqualTo(secret.length);
            assertThat(known.kmsKeyId()).isEqualTo(keyring.resolve("alias/external", false));
            assertThat(unknown.size()).isEqualTo(secret.length);
            for (String key : new String[] {"known-length", "unknown-length"}) {
                ResponseBytes<?> raw = direct.getObjectAsBytes(r -> r.bucket("ext-encrypted").key(key));
                assertThat(indexOf(raw.asByteArray(), Arrays.copyOfRange(secret, 1000, 1064))).as(key).isEqualTo(-1);
                try (ObjectContent c = store.getObject("ext-encrypted", key, null, null)) {
                    assertThat(c.stream().readAllBytes()).isEqualTo(secret);
                    assertThat(c.version().userMetadata()).doesNotContainKey("conveyor-wrapped-key");
                }
                try (ObjectContent c = store.getObject("ext-encrypted", key, null, new ByteRange(262_140L, 524_300L, null))) {
                    assertThat(c.stream().readAllBytes()).isEqualTo(Arrays.copyOfRange(secret, 262_140, 524_301));
                }
            }
            assertThat(store.headObject("ext-encrypted", "known-length", null).userMetadata()).containsEntry("team", "a");
        }
    }

    @Test
    void artifactsLiveInTheExternalServiceWithTheirAuditTrailInTheDatabase() throws IOException {
        Keyring keyring = new Keyring(work.resolve("keys"), Clock.systemUTC());
        try (Database db = Database.open(TestDatabases.freshUrl("h2")); ExternalS3ObjectStore store = store(keyring)) {
            ObjectArtifactStore artifacts = new ObjectArtifactStore(store, new ArtifactRepository(db), Clock.systemUTC());
            Path zip = work.resolve("a.zip");
            Files.writeString(zip, "zip content");
            StoredArtifact stored = artifacts.putArtifact(new ArtifactPlacement("ext-artifacts", new EncryptionKey("alias/art", "KMS"),
                    "MyPipeline", "SourceArtifact", "e1", "Source", "Source", "a1"), zip);
            assertThat(direct.getBucketVersioning(r -> r.bucket("ext-artifacts")).statusAsString()).isEqualTo("Enabled");
            assertThat(direct.headObject(r -> r.bucket("ext-artifacts").key(stored.location().key())).versionId())
                    .isEqualTo(stored.location().versionId());
            try (InputStream in = artifacts.openArtifact(stored.location())) {
                assertThat(new String(in.readAllBytes())).isEqualTo("zip content");
            }
            artifacts.recordConsumption(stored.location(), new ArtifactUse("MyPipeline", "e1", "Build", "Build", "a2"));
            assertThat(artifacts.history(stored.location()).consumers()).hasSize(1);
        }
    }

    @Test
    void theNullVersionOfABucketThatWasNeverVersionedIsReadByItsId() throws IOException {
        // moto answers 400 to a HEAD with any versionId in such a bucket, where S3 serves version "null".
        direct.createBucket(r -> r.bucket("ext-never-versioned"));
        try (ExternalS3ObjectStore store = store(new Keyring(work.resolve("keys"), Clock.systemUTC()))) {
            ObjectVersion written = store.putObject("ext-never-versioned", "k", ObjectWrite.plain().withLength(5),
                    new ByteArrayInputStream("hello".getBytes()));
            assertThat(written.versionId()).isEqualTo(ObjectVersion.NULL_VERSION);
            assertThat(store.headObject("ext-never-versioned", "k", ObjectVersion.NULL_VERSION).size()).isEqualTo(5);
            try (ObjectContent c = store.getObject("ext-never-versioned", "k", ObjectVersion.NULL_VERSION, null)) {
                assertThat(new String(c.stream().readAllBytes())).isEqualTo("hello");
            }
            store.copyObject("ext-never-versioned", "k", ObjectVersion.NULL_VERSION, "ext-never-versioned", "copy", null);
            try (ObjectContent c = store.getObject("ext-never-versioned", "copy", ObjectVersion.NULL_VERSION, null)) {
                assertThat(new String(c.stream().readAllBytes())).isEqualTo("hello");
            }
            assertThatThrownBy(() -> store.headObject("ext-never-versioned", "missing", ObjectVersion.NULL_VERSION))
                    .isInstanceOf(S3Exception.class).extracting(e -> ((S3Exception) e).code()).isEqualTo(S3ErrorCode.NoSuchKey);
        }
    }

    @Test
    void aNullVersionAskedForInABucketVersionedSinceIsStillFound() throws IOException {
        direct.createBucket(r -> r.bucket("ext-versioned-later"));
        try (ExternalS3ObjectStore store = store(new Keyring(work.resolve("keys"), Clock.systemUTC()))) {
            store.putObject("ext-versioned-later", "k", ObjectWrite.plain().withLength(3), new ByteArrayInputStream("old".getBytes()));
            store.setVersioning("ext-versioned-later", true);
            store.putObject("ext-versioned-later", "k", ObjectWrite.plain().withLength(3), new ByteArrayInputStream("new".getBytes()));
            try (ObjectContent c = store.getObject("ext-versioned-later", "k", ObjectVersion.NULL_VERSION, null)) {
                assertThat(new String(c.stream().readAllBytes())).isEqualTo("old");
            }
            try (ObjectContent c = store.getObject("ext-versioned-later", "k", null, null)) {
                assertThat(new String(c.stream().readAllBytes())).isEqualTo("new");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void artifactsInAnArtifactBucketMadeWithoutVersioningKeepTheirAuditTrail(String database) throws IOException {
        String bucket = "ext-premade-" + database;
        direct.createBucket(r -> r.bucket(bucket));
        Keyring keyring = new Keyring(work.resolve("keys"), Clock.systemUTC());
        try (Database db = Database.open(TestDatabases.freshUrl(database)); ExternalS3ObjectStore store = store(keyring)) {
            ObjectArtifactStore artifacts = new ObjectArtifactStore(store, new ArtifactRepository(db), Clock.systemUTC());
            Path zip = work.resolve("a.zip");
            Files.writeString(zip, "zip content");
            StoredArtifact stored = artifacts.putArtifact(new ArtifactPlacement(bucket, null, "MyPipeline", "Src", "e1", "Source", "Src", "a1"),
                    zip);
            assertThat(stored.location().versionId()).isEqualTo(ObjectVersion.NULL_VERSION);
            try (InputStream in = artifacts.openArtifact(stored.location())) {
                assertThat(new String(in.readAllBytes())).isEqualTo("zip content");
            }
            Path copy = work.resolve("copy.zip");
            artifacts.copyArtifact(stored.location(), copy);
            assertThat(Files.readString(copy)).isEqualTo("zip content");
            artifacts.recordConsumption(stored.location(), new ArtifactUse("MyPipeline", "e1", "Build", "Build", "a2"));
            assertThat(artifacts.history(stored.location()).consumers()).extracting(ArtifactUse::actionName).containsExactly("Build");
            assertThat(artifacts.history(stored.location()).producer().actionName()).isEqualTo("Src");
            assertThat(artifacts.producedBy("e1")).extracting(StoredArtifact::location).containsExactly(stored.location());
            assertThat(stored.sha256()).isEqualTo(sha256Hex("zip content".getBytes()));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void retentionRemovesOldArtifactsFromTheServiceVersionedOrNot(String database) throws IOException {
        String premade = "ext-retention-premade-" + database;
        String made = "ext-retention-made-" + database;
        direct.createBucket(r -> r.bucket(premade));
        try (Database db = Database.open(TestDatabases.freshUrl(database));
             ExternalS3ObjectStore store = store(new Keyring(work.resolve("keys"), Clock.systemUTC()))) {
            ArtifactRepository repository = new ArtifactRepository(db);
            ObjectArtifactStore artifacts = new ObjectArtifactStore(store, repository, Clock.systemUTC());
            Path zip = Files.writeString(work.resolve("r.zip"), "retained?");
            List<StoredArtifact> old = new ArrayList<>();
            for (String bucket : new String[] {premade, made}) {
                old.add(artifacts.putArtifact(new ArtifactPlacement(bucket, null, "Retained", "Src", "old", "Source", "Src", "a1"), zip));
            }
            StoredArtifact latest = artifacts.putArtifact(new ArtifactPlacement(made, null, "Retained", "Src", "new", "Source", "Src", "a2"), zip);

            var report = new ArtifactRetention(store, repository, pipeline -> Set.of(), new RetentionPolicy(1, null), Clock.systemUTC()).run();

            assertThat(report.removedExecutions()).containsExactly("old");
            assertThat(report.removedArtifacts()).isEqualTo(2);
            for (StoredArtifact removed : old) {
                assertThat(direct.listObjectVersions(r -> r.bucket(removed.location().bucket()).prefix(removed.location().key())).versions())
                        .as(removed.location().toString()).isEmpty();
                assertThatThrownBy(() -> artifacts.openArtifact(removed.location())).isInstanceOf(ArtifactNotFoundException.class);
            }
            try (InputStream in = artifacts.openArtifact(latest.location())) {
                assertThat(new String(in.readAllBytes())).isEqualTo("retained?");
            }
        }
    }

    @Test
    void aMultipartObjectKeepsTheServicesEtagAndReadsBackWhole() throws Exception {
        byte[] first = new byte[5 * 1024 * 1024];
        byte[] second = "the last part".getBytes();
        new Random(3).nextBytes(first);
        try (ExternalS3ObjectStore store = store(new Keyring(work.resolve("keys"), Clock.systemUTC()))) {
            store.createBucket("ext-multipart");
            MultipartUpload upload = store.createMultipartUpload("ext-multipart", "big", ObjectWrite.plain());
            var p1 = store.uploadPart("ext-multipart", "big", upload.uploadId(), 1, ObjectWrite.plain().withLength(first.length),
                    new ByteArrayInputStream(first));
            var p2 = store.uploadPart("ext-multipart", "big", upload.uploadId(), 2, ObjectWrite.plain().withLength(second.length),
                    new ByteArrayInputStream(second));
            assertThat(store.listParts("ext-multipart", "big", upload.uploadId())).hasSize(2);
            ObjectVersion done = store.completeMultipartUpload("ext-multipart", "big", upload.uploadId(),
                    List.of(new CompletedPart(1, p1.etag()), new CompletedPart(2, p2.etag())));
            // S3's multipart ETag: the MD5 of the parts' MD5s, then "-" and the number of parts; never the content's MD5.
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(MessageDigest.getInstance("MD5").digest(first));
            md5.update(MessageDigest.getInstance("MD5").digest(second));
            assertThat(done.etag()).isEqualTo("\"" + HexFormat.of().formatHex(md5.digest()) + "-2\"")
                    .isEqualTo(direct.headObject(r -> r.bucket("ext-multipart").key("big")).eTag());
            assertThat(done.size()).isEqualTo(first.length + second.length);
            try (ObjectContent c = store.getObject("ext-multipart", "big", null, new ByteRange((long) first.length - 2, null, null))) {
                assertThat(c.stream().readAllBytes()).isEqualTo(concat(Arrays.copyOfRange(first, first.length - 2, first.length), second));
            }
        }
    }

    @Test
    void listingsPageThroughTheServicesContinuationTokensWithKeysAsWritten() {
        List<String> keys = List.of("a b.txt", "dir/sub/é.zip", "dir/x+y.zip", "k%41", "z?q=1&r"); // in S3's (UTF-8 byte) order
        try (ExternalS3ObjectStore store = store(new Keyring(work.resolve("keys"), Clock.systemUTC()))) {
            store.createBucket("ext-listing");
            for (String key : keys) {
                byte[] content = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                store.putObject("ext-listing", key, ObjectWrite.plain().withLength(content.length), new ByteArrayInputStream(content));
            }
            List<String> seen = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                String after = token;
                ObjectListing page = store.listObjects("ext-listing", null, null, null, after, 2);
                page.objects().forEach(o -> seen.add(o.key()));
                token = page.truncated() ? page.nextContinuationToken() : null;
                pages++;
            } while (token != null);
            assertThat(seen).containsExactlyElementsOf(keys);
            assertThat(pages).isEqualTo(3);
            ObjectListing dirs = store.listObjects("ext-listing", "dir/", "/", null, null, 1000);
            assertThat(dirs.objects()).extracting(ObjectVersion::key).containsExactly("dir/x+y.zip");
            assertThat(dirs.commonPrefixes()).containsExactly("dir/sub/");
            for (String key : keys) {
                try (ObjectContent c = store.getObject("ext-listing", key, null, null)) {
                    assertThat(new String(c.stream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(key);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
