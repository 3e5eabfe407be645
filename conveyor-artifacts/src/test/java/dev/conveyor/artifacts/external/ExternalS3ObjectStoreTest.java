package dev.conveyor.artifacts.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.ArtifactPlacement;
import dev.conveyor.artifacts.ArtifactUse;
import dev.conveyor.artifacts.ObjectArtifactStore;
import dev.conveyor.artifacts.StoredArtifact;
import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.artifacts.object.ByteRange;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
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
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
