package dev.conveyor.artifacts.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.conveyor.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blobs written and read whole, below and above the size where reads go ahead on a thread of their own and writes
 * start their writeback early: the bytes come back as written, and a corrupted blob fails the read before its last
 * byte is handed over, so that nobody ever reads a corrupted blob to its end.
 */
class BlobReadsTest {
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
        BlobStore.Writer writer = blobs.newWriter(content.length);
        // Uneven writes, the way uploads and the cipher hand them over.
        for (int at = 0; at < content.length; ) {
            int n = Math.min(content.length - at, 700_000);
            writer.write(content, at, n);
            at += n;
        }
        BlobStore.WrittenBlob blob = writer.finish();
        blobs.place(blob);
        return blob;
    }

    /** Reads the blob to its end, or to the failure: the bytes it handed over and the failure, if any. */
    private record Read(int bytes, byte[] content, IOException failure) {
    }

    private Read readAll(String sha256, long size) throws IOException {
        byte[] got = new byte[(int) size + 1024];
        int total = 0;
        try (InputStream in = blobs.open(sha256, size)) {
            byte[] buffer = new byte[100_000];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                System.arraycopy(buffer, 0, got, total, n);
                total += n;
            }
        } catch (IOException e) {
            return new Read(total, Arrays.copyOf(got, total), e);
        }
        return new Read(total, Arrays.copyOf(got, total), null);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1000, 6 * 1024 * 1024 + 3, 40 * 1024 * 1024})
    void blobsReadBackAsWritten(int size) throws IOException {
        byte[] content = random(size);
        BlobStore.WrittenBlob blob = store(content);
        assertThat(blob.size()).isEqualTo(size);
        Read read = readAll(blob.sha256(), size);
        assertThat(read.failure()).isNull();
        assertThat(read.content()).isEqualTo(content);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1000, 6 * 1024 * 1024 + 3, 8 * 1024 * 1024})
    void aCorruptedBlobFailsBeforeItsLastByte(int size) throws IOException {
        byte[] content = random(size);
        BlobStore.WrittenBlob blob = store(content);
        Path file = blobs.path(blob.sha256());
        byte[] flipped = content.clone();
        flipped[size / 3] ^= 1;
        byte[] cut = Arrays.copyOf(content, size - 1);
        byte[] longer = Arrays.copyOf(content, size + 1);
        for (byte[] corrupted : new byte[][] {flipped, cut, longer}) {
            Files.write(file, corrupted);
            Read read = readAll(blob.sha256(), size);
            if (read.failure() == null) {
                fail("a corrupted blob of " + corrupted.length + " bytes was read to its end");
            }
            assertThat(read.failure()).hasMessageContaining("corrupted");
            assertThat(read.bytes()).as("bytes handed over before the failure").isLessThan(size);
        }
    }
}
