package dev.conveyor.artifacts.local;

import dev.conveyor.artifacts.Sha256VerifyingInputStream;
import dev.conveyor.store.BlobFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Content-addressed files: a blob is stored once at {@code blobs/<sha256[0:2]>/<sha256>} under the root, named by
 * the sha256 of its bytes. A blob is written to {@code incoming/} while its digest is computed, fsynced, then
 * renamed into place atomically, so a reader never sees a partial blob and an interrupted write leaves only a
 * temporary file (swept at start). Whole reads verify the digest as they stream.
 */
public final class BlobStore implements BlobFiles {
    /** Blobs this large or larger are read ahead on threads of their own, in buffers of {@link #READ_AHEAD_BUFFER}. */
    static final long READ_AHEAD_BYTES = 4L * 1024 * 1024;
    /** 4 MiB direct reads: this disk serves them at 2 GB/s, faster than the sha256; 1 MiB reads at 1.6 GB/s. */
    static final int READ_AHEAD_BUFFER = 4 * 1024 * 1024;
    /** Native buffers are aligned for direct I/O on filesystems with blocks of up to 4 KiB (nearly all). */
    private static final int ALIGNMENT = 4096;
    /** Blobs this large or larger are written with direct I/O: below it the page cache costs little and saves a read. */
    static final long DIRECT_BYTES = 8L * 1024 * 1024;
    private static final Duration STALE = Duration.ofHours(1);

    private final Path blobs;
    private final Path incoming;
    private final Path trash;
    private final NativeBuffers writeBuffers = new NativeBuffers(DirectFileWriter.BUFFER, ALIGNMENT, 16);
    private final NativeBuffers readBuffers = new NativeBuffers(READ_AHEAD_BUFFER, ALIGNMENT, 8);

    public BlobStore(Path root) {
        this.blobs = root.resolve("blobs");
        this.incoming = root.resolve("incoming");
        this.trash = root.resolve("trash");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(incoming);
            Files.createDirectories(trash);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store under " + root, e);
        }
    }

    /** A blob written to its temporary file, digest known, not yet in place. */
    public record WrittenBlob(Path temp, String sha256, long size) {
    }

    /**
     * Starts writing a blob of about {@code expectedSize} bytes (negative when unknown). Blobs of
     * {@link #DIRECT_BYTES} or more, or of unknown size, are written with direct I/O where the filesystem allows it
     * ({@link DirectFileWriter}).
     */
    public Writer newWriter(long expectedSize) {
        try {
            Path temp = Files.createTempFile(incoming, "blob-", ".tmp");
            return new Writer(temp, expectedSize < 0 || expectedSize >= DIRECT_BYTES ? DirectFileWriter.open(temp, writeBuffers) : null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary blob in " + incoming, e);
        }
    }

    /** The final path of a blob. */
    public Path path(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    /** Moves a written blob into place (replacing an identical one), then syncs the directory. Idempotent. */
    public void place(WrittenBlob blob) {
        Path target = path(blob.sha256());
        try {
            if (!Files.exists(blob.temp())) {
                if (Files.exists(target)) {
                    return; // placed by an earlier attempt of the same transaction
                }
                throw new IllegalStateException("blob " + blob.sha256() + " vanished before it was placed");
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(blob.temp(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(blob.temp(), target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot place blob " + blob.sha256(), e);
        }
    }

    /**
     * Opens a whole blob of {@code size} bytes; the read that would reach its end fails with an IOException instead if
     * its bytes do not match its name. Large blobs are read ahead and digested on a thread of their own
     * ({@link VerifiedReadAhead}).
     */
    public InputStream open(String sha256, long size) throws IOException {
        if (size >= READ_AHEAD_BYTES) {
            return VerifiedReadAhead.open(path(sha256), sha256, size, readBuffers);
        }
        return new Sha256VerifyingInputStream(Files.newInputStream(path(sha256)), sha256, size, "blob " + sha256);
    }

    /** Opens a blob at an offset, unverified (ranges cannot be checked against the whole-blob digest). */
    public InputStream openAt(String sha256, long offset) throws IOException {
        FileChannel channel = FileChannel.open(path(sha256), StandardOpenOption.READ);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }

    /** Reads the first {@code n} bytes of a blob. */
    public byte[] head(String sha256, int n) throws IOException {
        try (InputStream in = Files.newInputStream(path(sha256))) {
            return in.readNBytes(n);
        }
    }

    public boolean exists(String sha256) {
        return Files.exists(path(sha256));
    }

    @Override
    public String setAside(String sha256) {
        Path target = trash.resolve(sha256 + "." + UUID.randomUUID());
        try {
            Files.move(path(sha256), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set blob " + sha256 + " aside", e);
        }
        return target.toString();
    }

    @Override
    public void discard(String handle) {
        if (handle != null) {
            try {
                Files.deleteIfExists(Path.of(handle));
            } catch (IOException ignored) {
                // swept at the next start
            }
        }
    }

    @Override
    public void restore(String sha256, String handle) {
        if (handle != null) {
            try {
                Files.move(Path.of(handle), path(sha256), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException ignored) {
                // the transaction that set it aside did not commit; a later write of the same content restores it
            }
        }
    }

    /** Removes temporary and set-aside files older than an hour: leftovers of interrupted writes and deletes. */
    public void sweep() {
        Instant cutoff = Instant.now().minus(STALE);
        for (Path dir : new Path[] {incoming, trash}) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> {
                    try {
                        return Files.getLastModifiedTime(f).toInstant().isBefore(cutoff);
                    } catch (IOException e) {
                        return false;
                    }
                }).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can sync a directory
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A blob being written: an output stream that digests what passes; {@link #finish} syncs and names it. Large
     * blobs are written with direct I/O ({@link DirectFileWriter}) or, where the filesystem refuses it, start on
     * their way to the disk as they are written ({@link EarlyWriteback}).
     */
    public static final class Writer extends OutputStream {
        private final Path temp;
        private final DirectFileWriter direct;
        private final FileChannel file;
        private final EarlyWriteback writeback;
        private final MessageDigest digest = sha256();
        private long size;
        private boolean finished;

        /** Writes {@code temp} through {@code direct}, or through the page cache when it is null. */
        private Writer(Path temp, DirectFileWriter direct) throws IOException {
            this.temp = temp;
            this.direct = direct;
            this.file = direct == null ? FileChannel.open(temp, StandardOpenOption.WRITE) : null;
            this.writeback = direct == null ? new EarlyWriteback(file) : null;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            if (direct != null) {
                direct.write(b, off, len);
            } else {
                writeFully(b, off, len);
                writeback.written(len);
            }
            size += len;
        }

        private void writeFully(byte[] b, int off, int len) throws IOException {
            // A FileChannel, which the early writeback forces too (and which copies through a native buffer it keeps
            // per thread, where a FileOutputStream allocates one per call).
            ByteBuffer bytes = ByteBuffer.wrap(b, off, len);
            while (bytes.hasRemaining()) {
                file.write(bytes);
            }
        }

        /** Does nothing: the file is closed by {@link #finish} or {@link #abort}. */
        @Override
        public void close() {
        }

        /** Syncs and closes the temporary file and returns the blob's digest and size. */
        public WrittenBlob finish() throws IOException {
            if (direct != null) {
                direct.finish();
            } else {
                writeback.await();
                file.force(false);
                file.close();
            }
            finished = true;
            return new WrittenBlob(temp, HexFormat.of().formatHex(digest.digest()), size);
        }

        /** Deletes the temporary file (after a failure, or once the blob is placed it is already gone). */
        public void abort() {
            try {
                if (!finished) {
                    if (direct != null) {
                        direct.abort();
                    } else {
                        writeback.await();
                        file.close();
                    }
                }
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // swept at the next start
            }
        }

        public long size() {
            return size;
        }
    }
}
