package dev.conveyor.artifacts.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The checksum trailer every blob file ends with: a CRC32C of each {@link #CHUNK_BYTES} chunk of the blob's bytes,
 * then a footer (magic, chunk size, the blob's size). A file is {@code size + trailerLength(size)} bytes long.
 *
 * <p>Why chunk checksums rather than the whole-blob sha256 the file is named by: reads verify every byte they hand
 * over, and a sha256 costs 0.6 s of one core per GiB on our machines, more than serving the bytes (serving a GiB from
 * the page cache costs about 0.2 s), where CRC32C costs 0.02 s. A CRC catches what happens to files at rest (flipped
 * bits, torn or truncated writes, a file swapped for another) as file systems and object stores check them; anyone
 * who can rewrite the data directory can rewrite the database as well, so a cryptographic digest on reads would not
 * stop them. Chunks also let a ranged read verify just the chunks it touches, and let a read fail at the first
 * corrupted chunk before handing any of its bytes over. The sha256 still names the blob (content addressing: equal
 * content is stored once).
 *
 * <p>Files written before the trailer existed are exactly the blob's bytes; {@link #legacy} tells them apart by their
 * length, and readers verify those by their sha256 as before.
 */
final class BlobChecksums {
    /** Bytes per checksum: 64 KiB, so a small ranged read verifies at most twice that. */
    static final int CHUNK_BYTES = 64 * 1024;
    private static final byte[] MAGIC = "CVYCRC1\n".getBytes(StandardCharsets.US_ASCII);
    /** Magic, chunk size (int), blob size (long). */
    static final int FOOTER_BYTES = MAGIC.length + 4 + 8;

    private BlobChecksums() {
    }

    /** How many chunks a blob of {@code size} bytes has. */
    static long chunks(long size) {
        return (size + CHUNK_BYTES - 1) / CHUNK_BYTES;
    }

    /** The length of the trailer of a blob of {@code size} bytes. */
    static long trailerLength(long size) {
        return chunks(size) * 4 + FOOTER_BYTES;
    }

    /** The length of the file of a blob of {@code size} bytes. */
    static long fileLength(long size) {
        return size + trailerLength(size);
    }

    /** True when a file of {@code fileLength} bytes holding a blob of {@code size} bytes has no trailer (written before it). */
    static boolean legacy(long fileLength, long size) {
        return fileLength == size;
    }

    /**
     * Reads the checksums of chunks {@code first} to {@code last} (inclusive) of a blob of {@code size} bytes, after
     * checking the footer: a file whose footer is not there or names another size fails as corrupted.
     */
    static int[] read(FileChannel file, long size, long first, long last, String what) throws IOException {
        ByteBuffer footer = ByteBuffer.allocate(FOOTER_BYTES);
        readFully(file, footer, size + chunks(size) * 4, what);
        byte[] magic = new byte[MAGIC.length];
        footer.flip().get(magic);
        int chunkBytes = footer.getInt();
        long recordedSize = footer.getLong();
        if (!Arrays.equals(magic, MAGIC) || chunkBytes != CHUNK_BYTES || recordedSize != size) {
            throw new IOException(what + " has no valid checksum trailer for " + size + " bytes: it is corrupted");
        }
        int count = Math.toIntExact(last - first + 1);
        if (count <= 0) {
            return new int[0];
        }
        ByteBuffer table = ByteBuffer.allocate(count * 4);
        readFully(file, table, size + first * 4, what);
        int[] crcs = new int[count];
        table.flip().asIntBuffer().get(crcs);
        return crcs;
    }

    private static void readFully(FileChannel file, ByteBuffer into, long position, String what) throws IOException {
        while (into.hasRemaining()) {
            if (file.read(into, position + into.position()) < 0) {
                throw new IOException(what + " is shorter than its checksum trailer says: it is corrupted");
            }
        }
    }

    /** Computes the checksums of bytes as they are written, then the trailer. */
    static final class Builder {
        private final CRC32C crc = new CRC32C();
        private int inChunk;
        private long size;
        private int[] crcs = new int[64];
        private int count;

        void update(byte[] b, int off, int len) {
            while (len > 0) {
                int n = Math.min(len, CHUNK_BYTES - inChunk);
                crc.update(b, off, n);
                inChunk += n;
                off += n;
                len -= n;
                size += n;
                if (inChunk == CHUNK_BYTES) {
                    endChunk();
                }
            }
        }

        private void endChunk() {
            if (count == crcs.length) {
                crcs = Arrays.copyOf(crcs, count * 2);
            }
            crcs[count++] = (int) crc.getValue();
            crc.reset();
            inChunk = 0;
        }

        /** The trailer for everything given so far. */
        byte[] trailer() {
            if (inChunk > 0) {
                endChunk();
            }
            ByteBuffer trailer = ByteBuffer.allocate(Math.toIntExact(trailerLength(size)));
            for (int i = 0; i < count; i++) {
                trailer.putInt(crcs[i]);
            }
            trailer.put(MAGIC).putInt(CHUNK_BYTES).putLong(size);
            return trailer.array();
        }
    }

    /** The CRC32C of {@code buffer}'s remaining bytes, leaving its position where it is. */
    static int crc(ByteBuffer buffer) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate());
        return (int) crc.getValue();
    }
}
