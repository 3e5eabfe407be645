package dev.conveyor.artifacts.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.conveyor.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blobs written and read back, whole and in ranges, around the checksum chunk and read buffer sizes: the bytes come
 * back as written, and no read ever hands over a byte of a corrupted chunk: a flipped bit, a cut or extended file or a
 * damaged checksum trailer fails the read first. Blobs written before trailers existed still read, verified by their
 * sha256, and identical content is stored once.
 */
class BlobReadsTest {
    private static final int CHUNK = BlobChecksums.CHUNK_BYTES;
    private Path root;
    private BlobStore blobs;

    @BeforeEach
    void open() throws IOException {
        root = Files.createTempDirectory("conveyor-blobs-");
        blobs = new BlobStore(root);
    }

    @AfterEach
    void close() throws IOException {
        PostgresServer.deleteRecursively(root);
    }

    private static byte[] random(int size) {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        return content;
    }

    private BlobStore.WrittenBlob store(byte[] content) throws IOException {
        BlobStore.Writer writer = blobs.newWriter(content.length, true);
        // Uneven writes, the way uploads and the cipher hand them over.
        for (int at = 0; at < content.length; ) {
            int n = Math.min(content.length - at, 700_001);
            writer.write(content, at, n);
            at += n;
        }
        BlobStore.WrittenBlob blob = writer.finish();
        blobs.place(blob);
        writer.abort();
        return blob;
    }

    /** Reads a span to its end, or to the failure: the bytes it handed over and the failure, if any. */
    private record Read(byte[] content, IOException failure) {
    }

    private Read read(String sha256, long size, long offset, long length) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (InputStream in = blobs.open(sha256, size, offset, length)) {
            byte[] buffer = new byte[100_000];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                got.write(buffer, 0, n);
            }
        } catch (IOException e) {
            return new Read(got.toByteArray(), e);
        }
        return new Read(got.toByteArray(), null);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1000, CHUNK, CHUNK + 1, VerifiedBlobReader.READ_AHEAD_BUFFER, 6 * 1024 * 1024 + 3, 40 * 1024 * 1024})
    void blobsReadBackAsWritten(int size) throws IOException {
        byte[] content = random(size);
        BlobStore.WrittenBlob blob = store(content);
        assertThat(blob.size()).isEqualTo(size);
        assertThat(Files.size(blobs.path(blob.name()))).as("the bytes, then their checksums").isEqualTo(BlobChecksums.fileLength(size));
        Read read = read(blob.name(), size, 0, size);
        assertThat(read.failure()).isNull();
        assertThat(read.content()).isEqualTo(content);

        ChannelOutput received = new ChannelOutput();
        try (InputStream in = blobs.open(blob.name(), size, 0, size)) {
            assertThat(in.transferTo(received)).isEqualTo(size);
        }
        assertThat(received.bytes()).isEqualTo(content);
        if (size >= VerifiedBlobReader.READ_AHEAD_BUFFER) {
            assertThat(received.bytesFromArrays).as("a large blob hands its native buffers over as they are").isZero();
        }
    }

    @Test
    void rangesReadBackTheirBytesWhereverTheyStartAndEnd() throws IOException {
        int size = 3 * VerifiedBlobReader.READ_AHEAD_BUFFER + 5 * CHUNK + 77;
        byte[] content = random(size);
        BlobStore.WrittenBlob blob = store(content);
        long[][] ranges = {
                {0, 1}, {0, CHUNK}, {1, CHUNK}, {CHUNK - 1, 2}, {CHUNK, CHUNK}, {size - 1, 1}, {size - CHUNK - 3, CHUNK + 3},
                {12345, 0}, {VerifiedBlobReader.READ_AHEAD_BUFFER - 5, VerifiedBlobReader.READ_AHEAD_BUFFER + 10}, {7, size - 7}, {0, size},
        };
        for (long[] range : ranges) {
            Read read = read(blob.name(), size, range[0], range[1]);
            assertThat(read.failure()).as("bytes %d+%d", range[0], range[1]).isNull();
            assertThat(read.content()).as("bytes %d+%d", range[0], range[1])
                    .isEqualTo(Arrays.copyOfRange(content, (int) range[0], (int) (range[0] + range[1])));
        }
        try (InputStream in = blobs.open(blob.name(), size, 100, size - 100)) {
            assertThat(in.skip(CHUNK * 2L)).isEqualTo(CHUNK * 2L);
            assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOfRange(content, 100 + CHUNK * 2, 110 + CHUNK * 2));
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1000, 6 * 1024 * 1024 + 3})
    void aFlippedBitFailsTheReadBeforeAnyByteOfItsChunk(int size) throws IOException {
        byte[] content = random(size);
        BlobStore.WrittenBlob blob = store(content);
        Path file = blobs.path(blob.name());
        byte[] intact = Files.readAllBytes(file);
        for (int at : new int[] {0, size / 3, size - 1}) {
            byte[] corrupted = intact.clone();
            corrupted[at] ^= 0x10;
            Files.write(file, corrupted);
            Read read = read(blob.name(), size, 0, size);
            if (read.failure() == null) {
                fail("a blob with byte " + at + " flipped was read to its end");
            }
            assertThat(read.failure()).hasMessageContaining("corrupted");
            assertThat(read.content().length).as("bytes handed over before the failure").isLessThanOrEqualTo(at / CHUNK * CHUNK);
            assertThat(read.content()).isEqualTo(Arrays.copyOf(content, read.content().length));
        }
        Files.write(file, intact);
        assertThat(read(blob.name(), size, 0, size).content()).isEqualTo(content);
    }

    /**
     * A large read runs {@link VerifiedBlobReader#LANES} read-ahead threads, each a buffer ahead of the other: a
     * corrupted chunk in any buffer, whichever lane reads it (and however early), fails the read exactly when its turn
     * comes, after every verified byte before its buffer and before any byte of its own.
     */
    @Test
    void aCorruptedChunkFailsInItsTurnWhicheverLaneReadsIt() throws IOException {
        int buffer = VerifiedBlobReader.READ_AHEAD_BUFFER;
        int size = 5 * buffer + 3 * CHUNK + 11; // six buffers: three per lane
        byte[] content = random(size);
        BlobStore.WrittenBlob blob = store(content);
        Path file = blobs.path(blob.name());
        byte[] intact = Files.readAllBytes(file);
        for (int corruptedBuffer = 0; corruptedBuffer < 6; corruptedBuffer++) {
            byte[] corrupted = intact.clone();
            int at = Math.min(size - 1, corruptedBuffer * buffer + CHUNK + 5);
            corrupted[at] ^= 0x01;
            Files.write(file, corrupted);
            Read read = read(blob.name(), size, 0, size);
            assertThat(read.failure()).as("byte %d flipped", at).isNotNull().hasMessageContaining("corrupted");
            assertThat(read.content()).as("the verified buffers before the corrupted one, and nothing of it")
                    .isEqualTo(Arrays.copyOf(content, corruptedBuffer * buffer));
        }
        Files.write(file, intact);
        assertThat(read(blob.name(), size, 0, size).content()).isEqualTo(content);
    }

    @Test
    void aRangeIsVerifiedByTheChunksItTouchesAndOnlyThose() throws IOException {
        int size = 10 * CHUNK;
        byte[] content = random(size);
        BlobStore.WrittenBlob blob = store(content);
        Path file = blobs.path(blob.name());
        byte[] corrupted = Files.readAllBytes(file);
        corrupted[5 * CHUNK + 100] ^= 1;
        Files.write(file, corrupted);
        assertThat(read(blob.name(), size, 5 * CHUNK + 200, 10).failure()).as("a range in the corrupted chunk, not over its flipped byte")
                .hasMessageContaining("corrupted");
        assertThat(read(blob.name(), size, 4 * CHUNK, CHUNK + 1).failure()).as("a range ending in the corrupted chunk")
                .hasMessageContaining("corrupted");
        Read before = read(blob.name(), size, 0, 5 * CHUNK);
        assertThat(before.failure()).isNull();
        assertThat(before.content()).isEqualTo(Arrays.copyOf(content, 5 * CHUNK));
        Read after = read(blob.name(), size, 6 * CHUNK, 4 * CHUNK);
        assertThat(after.failure()).isNull();
        assertThat(after.content()).isEqualTo(Arrays.copyOfRange(content, 6 * CHUNK, size));
    }

    @Test
    void aCutExtendedOrDamagedFileFailsBeforeHandingOverAnything() throws IOException {
        int size = 3 * CHUNK + 10;
        byte[] content = random(size);
        BlobStore.WrittenBlob blob = store(content);
        Path file = blobs.path(blob.name());
        byte[] intact = Files.readAllBytes(file);
        byte[] checksumFlipped = intact.clone();
        checksumFlipped[size + 2] ^= 1; // the first chunk's CRC
        byte[] footerFlipped = intact.clone();
        footerFlipped[intact.length - 1] ^= 1; // the size recorded in the footer
        byte[][] damaged = {Arrays.copyOf(intact, intact.length - 1), Arrays.copyOf(intact, intact.length + 1),
                Arrays.copyOf(intact, size - 1), checksumFlipped, footerFlipped};
        for (byte[] bytes : damaged) {
            Files.write(file, bytes);
            Read read = read(blob.name(), size, 0, size);
            assertThat(read.failure()).as("a file of %d bytes", bytes.length).isNotNull().hasMessageContaining("corrupted");
            assertThat(read.content()).as("bytes handed over").isEmpty();
        }
    }

    @Test
    void blobsWrittenBeforeChecksumsAreVerifiedByTheirSha256() throws IOException {
        byte[] content = random(2 * 1024 * 1024 + 5);
        String sha256 = sha256(content);
        Path file = blobs.path(sha256);
        Files.createDirectories(file.getParent());
        Files.write(file, content); // as earlier versions stored blobs: the bytes alone
        assertThat(read(sha256, content.length, 0, content.length).content()).isEqualTo(content);
        assertThat(read(sha256, content.length, 1000, 2000).content()).isEqualTo(Arrays.copyOfRange(content, 1000, 3000));

        byte[] flipped = content.clone();
        flipped[content.length / 2] ^= 1;
        Files.write(file, flipped);
        Read read = read(sha256, content.length, 0, content.length);
        assertThat(read.failure()).hasMessageContaining("corrupted");
        assertThat(read.content().length).as("the last bytes are held back").isLessThan(content.length);

        // Written again, the blob gets its checksums.
        store(content);
        assertThat(Files.size(file)).isEqualTo(BlobChecksums.fileLength(content.length));
        assertThat(read(sha256, content.length, 0, content.length).content()).isEqualTo(content);
    }

    @Test
    void identicalContentIsStoredOnceAndTheStoredFileKept() throws IOException {
        byte[] content = random(3 * 1024 * 1024);
        BlobStore.WrittenBlob first = store(content);
        assertThat(first.synced()).isTrue();
        Path file = blobs.path(first.name());
        Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();

        BlobStore.Writer writer = blobs.newWriter(content.length, true);
        writer.write(content, 0, content.length);
        BlobStore.WrittenBlob second = writer.finish();
        assertThat(second.name()).isEqualTo(first.name());
        assertThat(second.synced()).as("a duplicate is not synced: the stored blob is durable already").isFalse();
        blobs.place(second);
        writer.abort();
        assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).as("the stored file is kept").isEqualTo(fileKey);
        try (Stream<Path> incoming = Files.list(root.resolve("incoming"))) {
            assertThat(incoming.toList()).as("temporary files left").isEmpty();
        }
        assertThat(read(first.name(), content.length, 0, content.length).content()).isEqualTo(content);
    }

    @Test
    void ciphertextBlobsAreNamedAtRandomAndNeverShared() throws IOException {
        byte[] content = random(9 * 1024 * 1024 + 1);
        String[] names = new String[2];
        for (int i = 0; i < 2; i++) {
            BlobStore.Writer writer = blobs.newWriter(content.length, false);
            writer.write(content, 0, content.length);
            BlobStore.WrittenBlob blob = writer.finish();
            assertThat(blob.synced()).isTrue();
            blobs.place(blob);
            writer.abort();
            names[i] = blob.name();
            assertThat(names[i]).matches("[0-9a-f]{64}").isNotEqualTo(sha256(content));
            assertThat(read(names[i], content.length, 0, content.length).content()).isEqualTo(content);
        }
        assertThat(names[0]).isNotEqualTo(names[1]);
    }

    @Test
    void aMissingBlobFailsToOpen() {
        assertThatThrownBy(() -> blobs.open("ab".repeat(32), 10, 0, 10)).isInstanceOf(IOException.class);
    }

    private static String sha256(byte[] bytes) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }
}
