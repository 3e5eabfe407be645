package dev.conveyor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.model.pipeline.EncryptionKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine's view of artifacts over the local object store, on the embedded database and PostgreSQL. */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class ArtifactStoreTest {
    @Parameter
    String databaseKind;

    @TempDir
    Path work;

    private ArtifactsFixture fixture;

    @BeforeEach
    void open() {
        fixture = new ArtifactsFixture(databaseKind);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private static ArtifactPlacement placement(String bucket, EncryptionKey key, String artifact, String execution, String action) {
        return new ArtifactPlacement(bucket, key, "AVeryLongPipelineNameIndeed", artifact, execution, "Build", action, execution + "-" + action);
    }

    private Path zipOf(String name, byte[] content) throws IOException {
        Path dir = work.resolve(name + "-src");
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/data.bin"), content);
        Files.writeString(dir.resolve("README"), "artifact " + name);
        Path zip = work.resolve(name + ".zip");
        ZipArchives.zip(dir, zip);
        return zip;
    }

    @Test
    void storesAnArtifactUnderCodePipelinesKeyLayoutAndReadsItBack() throws IOException {
        Path zip = zipOf("out", "hello".getBytes(StandardCharsets.UTF_8));
        StoredArtifact stored = fixture.artifacts.putArtifact(placement("codepipeline-us-east-1-1234", null, "BuildOutputArtifact", "e1", "Compile"), zip);

        assertThat(stored.location().key()).matches("AVeryLongPipelineNam/BuildOutpu/[A-Za-z0-9]{7}");
        assertThat(stored.location().key().split("/")[0]).hasSize(20);
        assertThat(stored.location().versionId()).isNotNull().isNotEqualTo("null");
        assertThat(stored.size()).isEqualTo(Files.size(zip));
        assertThat(stored.sha256()).isEqualTo(sha256(Files.readAllBytes(zip)));
        try (InputStream in = fixture.artifacts.openArtifact(stored.location())) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(zip));
        }
        Path copy = work.resolve("workspace/input.zip");
        fixture.artifacts.copyArtifact(stored.location(), copy);
        assertThat(copy).hasSameBinaryContentAs(zip);
        Path unpacked = work.resolve("workspace/unpacked");
        ZipArchives.unzip(copy, unpacked);
        assertThat(unpacked.resolve("sub/data.bin")).hasContent("hello");
        assertThat(fixture.objects.headBucket("codepipeline-us-east-1-1234").versioning()).isEqualTo(dev.conveyor.artifacts.object.Versioning.ENABLED);
    }

    @Test
    void recordsWhoProducedAndWhoConsumedEachVersion() throws IOException {
        StoredArtifact first = fixture.artifacts.putArtifact(placement("artifacts", null, "Src", "exec-1", "Source"), zipOf("a", new byte[] {1}));
        StoredArtifact second = fixture.artifacts.putArtifact(placement("artifacts", null, "Bin", "exec-1", "Build"), zipOf("b", new byte[] {2}));
        fixture.artifacts.putArtifact(placement("artifacts", null, "Src", "exec-2", "Source"), zipOf("c", new byte[] {3}));
        fixture.artifacts.recordConsumption(first.location(), new ArtifactUse("AVeryLongPipelineNameIndeed", "exec-1", "Build", "Build", "x1"));
        fixture.artifacts.recordConsumption(first.location(), new ArtifactUse("AVeryLongPipelineNameIndeed", "exec-1", "Test", "Test", "x2"));

        ArtifactHistory history = fixture.artifacts.history(first.location());
        assertThat(history.artifact()).isEqualTo(first);
        assertThat(history.producer()).isEqualTo(new ArtifactUse("AVeryLongPipelineNameIndeed", "exec-1", "Build", "Source", "exec-1-Source"));
        assertThat(history.consumers()).extracting(ArtifactUse::actionName).containsExactly("Build", "Test");
        assertThat(fixture.artifacts.history(second.location()).consumers()).isEmpty();
        assertThat(fixture.artifacts.producedBy("exec-1")).extracting(StoredArtifact::artifactName).containsExactly("Src", "Bin");
        assertThat(fixture.artifacts.producedBy("nope")).isEmpty();
        assertThatThrownBy(() -> fixture.artifacts.history(new S3Location("artifacts", "missing", null)))
                .isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void encryptedArtifactsLeaveNoPlaintextUnderTheDataDir() throws IOException {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(content);
        // A zip stores this incompressible data as it is, so its runs would show up on disk if stored in the clear.
        Path zip = zipOf("secret", content);
        byte[] zipBytes = Files.readAllBytes(zip);
        StoredArtifact stored = fixture.artifacts.putArtifact(
                placement("encrypted-artifacts", new EncryptionKey("alias/pipeline-artifacts", "KMS"), "Secret", "e1", "Build"), zip);
        Files.delete(zip);

        try (InputStream in = fixture.artifacts.openArtifact(stored.location())) {
            assertThat(in.readAllBytes()).isEqualTo(zipBytes);
        }
        try (ObjectContent head = fixture.objects.getObject("encrypted-artifacts", stored.location().key(), null, null)) {
            assertThat(head.version().kmsKeyId()).isEqualTo(fixture.keyring.resolve("alias/pipeline-artifacts", false));
        }
        assertThat(findRunOf(content, 32, work)).as("the check finds plaintext where it is").isNotNull();
        assertThat(findRunOf(zipBytes, 32, fixture.dataDir)).as("plaintext under the data dir").isNull();
    }

    @Test
    void aCorruptedBlobFailsTheReadInsteadOfReturningWrongBytes() throws IOException {
        StoredArtifact stored = fixture.artifacts.putArtifact(placement("artifacts", null, "Out", "e1", "Build"), zipOf("x", new byte[4096]));
        Path blob;
        try (Stream<Path> files = Files.walk(fixture.dataDir.resolve("artifacts/blobs"))) {
            blob = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 1;
        Files.write(blob, bytes);
        assertThatThrownBy(() -> {
            try (InputStream in = fixture.artifacts.openArtifact(stored.location())) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("corrupted");
    }

    @Test
    void anInterruptedUploadLeavesNothingBehind() throws IOException {
        fixture.objects.createBucket("interrupted");
        InputStream failing = new InputStream() {
            private int sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent > 1024 * 1024) {
                    throw new IOException("connection reset by peer");
                }
                sent += len;
                return len;
            }
        };
        assertThatThrownBy(() -> fixture.objects.putObject("interrupted", "big", dev.conveyor.artifacts.object.ObjectWrite.plain(), failing))
                .hasRootCauseMessage("connection reset by peer");
        assertThatThrownBy(() -> fixture.objects.headObject("interrupted", "big", null)).isInstanceOf(S3Exception.class);
        try (Stream<Path> files = Files.walk(fixture.dataDir.resolve("artifacts"))) {
            assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    /** Where a run of 2 × {@code run} bytes of the plaintext occurs in a file under {@code root}, or null. */
    static String findRunOf(byte[] plaintext, int run, Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        // Index every run of the plaintext at a stride of 'run' bytes: any stored copy of a run twice as long
        // contains one of them aligned, so scanning each file for these needles finds plaintext wherever it is.
        java.util.Set<String> needles = new java.util.HashSet<>();
        for (int i = 0; i + run <= plaintext.length; i += run) {
            needles.add(new String(plaintext, i, run, StandardCharsets.ISO_8859_1));
        }
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            for (int i = 0; i + run <= text.length(); i++) {
                if (needles.contains(text.substring(i, i + run))) {
                    return file + " at " + i;
                }
            }
        }
        return null;
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
