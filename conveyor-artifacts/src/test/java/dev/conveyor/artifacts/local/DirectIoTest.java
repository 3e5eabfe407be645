package dev.conveyor.artifacts.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conveyor.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large blobs bypass the page cache (direct I/O) where the filesystem allows it and go through it where it does not,
 * with the same bytes either way: whole aligned buffers, a tail shorter than a block (padded, then cut back), a blob
 * of unknown size, reads handed to a channel as native buffers, and a corrupted chunk never sent.
 */
class DirectIoTest {
    /** Filesystems that have served O_DIRECT for a decade; the build directory is on one of them on our machines. */
    private static final Set<String> DIRECT_FILESYSTEMS = Set.of("ext4", "xfs", "btrfs");

    private static byte[] random(int size) {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        return content;
    }

    private static Path buildDirectory() throws IOException {
        Path dir = Path.of("target").toAbsolutePath();
        Files.createDirectories(dir);
        return Files.createTempDirectory(dir, "direct-io-");
    }

    @Test
    void theBuildDirectoryTakesDirectIoWithBuffersAlignedToItsBlocks() throws IOException {
        Path dir = buildDirectory();
        try {
            Path file = Files.createFile(dir.resolve("probe"));
            String type = Files.getFileStore(file).type();
            assumeTrue(DIRECT_FILESYSTEMS.contains(type), "the build directory is on " + type);
            DirectIo.Opened opened = DirectIo.open(file, new NativeBuffers(1024 * 1024, 4096, 1), StandardOpenOption.WRITE);
            assertThat(opened).isNotNull();
            opened.channel().close();
            assertThat(DirectIo.open(file, new NativeBuffers(1024 * 1024, 512, 1), StandardOpenOption.WRITE))
                    .as("buffers aligned to less than the filesystem's %d-byte blocks", Files.getFileStore(file).getBlockSize()).isNull();
        } finally {
            PostgresServer.deleteRecursively(dir);
        }
    }

    @Test
    void pooledBuffersAreAlignedExactlyTheirSizeAndReused() {
        NativeBuffers buffers = new NativeBuffers(1024 * 1024, 4096, 2);
        for (int i = 0; i < 20; i++) { // allocations land at various addresses; each must come out the same
            ByteBuffer buffer = buffers.take();
            assertThat(buffer.isDirect()).isTrue();
            assertThat(buffer.capacity()).isEqualTo(1024 * 1024);
            assertThat(buffer.alignmentOffset(0, 4096)).as("address alignment").isZero();
            buffer.put(new byte[100]);
            buffers.give(buffer);
            ByteBuffer again = buffers.take();
            assertThat(again).as("the buffer given back is taken again, cleared").isSameAs(buffer);
            assertThat(again.position()).isZero();
            assertThat(again.limit()).isEqualTo(1024 * 1024);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 4096, 8 * 1024 * 1024, 8 * 1024 * 1024 + 4097, 17 * 1024 * 1024 + 3})
    void blobsWrittenAndReadDirectlyAreExactlyTheirBytes(int size) throws IOException {
        Path dir = buildDirectory();
        try {
            BlobStore blobs = new BlobStore(dir);
            byte[] content = random(size);
            // As an upload of unknown size is written: always the large-blob path, whatever its size.
            BlobStore.Writer writer = blobs.newWriter(-1, true);
            for (int at = 0; at < size; ) {
                int n = Math.min(size - at, 300_001);
                writer.write(content, at, n);
                at += n;
            }
            BlobStore.WrittenBlob blob = writer.finish();
            blobs.place(blob);
            assertThat(Files.size(blobs.path(blob.name()))).as("the padding is cut back").isEqualTo(BlobChecksums.fileLength(size));
            assertThat(Arrays.copyOf(Files.readAllBytes(blobs.path(blob.name())), size)).isEqualTo(content);
            try (InputStream in = blobs.open(blob.name(), size, 0, size)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            ChannelOutput received = new ChannelOutput();
            try (InputStream in = blobs.open(blob.name(), size, 0, size)) {
                assertThat(in.transferTo(received)).isEqualTo(size);
            }
            assertThat(received.bytes()).isEqualTo(content);
            if (size >= VerifiedBlobReader.READ_AHEAD_BYTES) {
                assertThat(received.bytesFromArrays).as("a read-ahead blob hands its native buffers over as they are").isZero();
            }
        } finally {
            PostgresServer.deleteRecursively(dir);
        }
    }

    @ParameterizedTest(name = "direct reads: {0}")
    @ValueSource(booleans = {true, false})
    void aCorruptedLargeBlobSentToAChannelStopsBeforeItsLastBuffer(boolean direct) throws IOException {
        Path dir = buildDirectory();
        try {
            BlobStore blobs = new BlobStore(dir);
            int size = 17 * 1024 * 1024 + 3;
            byte[] content = random(size);
            BlobStore.Writer writer = blobs.newWriter(size, true);
            writer.write(content, 0, size);
            BlobStore.WrittenBlob blob = writer.finish();
            blobs.place(blob);
            Path file = blobs.path(blob.name());
            // Buffers aligned to less than the filesystem's blocks cannot be used for direct I/O: the page cache it is.
            NativeBuffers buffers = new NativeBuffers(VerifiedBlobReader.READ_AHEAD_BUFFER, direct ? 4096 : 512, 1);
            try (VerifiedBlobReader intact = VerifiedBlobReader.open(file, size, 0, size, buffers, "blob")) {
                if (direct) {
                    assumeTrue(DIRECT_FILESYSTEMS.contains(Files.getFileStore(file).type()), "the build directory is on " + Files.getFileStore(file).type());
                }
                assertThat(intact.direct()).isEqualTo(direct);
                ChannelOutput received = new ChannelOutput();
                intact.transferTo(received);
                assertThat(received.bytes()).isEqualTo(content);
            }
            byte[] stored = Files.readAllBytes(file);
            for (int at : new int[] {size - 2, 5 * 1024 * 1024 + 1}) {
                byte[] flipped = stored.clone();
                flipped[at] ^= 1;
                Files.write(file, flipped);
                ChannelOutput received = new ChannelOutput();
                IOException failure = null;
                try (VerifiedBlobReader in = VerifiedBlobReader.open(file, size, 0, size, buffers, "blob")) {
                    in.transferTo(received);
                } catch (IOException e) {
                    failure = e;
                }
                assertThat(failure).as("byte %d flipped", at).isNotNull().hasMessageContaining("corrupted");
                assertThat(received.bytes().length).as("bytes sent before the failure").isLessThanOrEqualTo(at);
            }
        } finally {
            PostgresServer.deleteRecursively(dir);
        }
    }
}
