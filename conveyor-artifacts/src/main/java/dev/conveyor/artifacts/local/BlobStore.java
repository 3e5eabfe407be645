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
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Content-addressed files: a blob is stored once at {@code blobs/<name[0:2]>/<name>} under the root, named by the
 * sha256 of its bytes and followed in its file by their {@link BlobChecksums}. Ciphertext is the exception: under a
 * fresh data key per object it never repeats, so digesting it to find an equal blob would be wasted (0.6 s of CPU
 * per GiB); its blobs get random 256-bit names of the same form instead. A blob is written to
 * {@code incoming/} while its digest and checksums are computed, fsynced, then renamed into place atomically, so a
 * reader never sees a partial blob and an interrupted write leaves only a temporary file (swept at start). Reads,
 * whole or ranged, verify every chunk they hand over.
 *
 * <p>Large blobs bypass the page cache both ways where the filesystem allows it ({@link DirectIo} has the
 * measurements); small ones go through it, their writeback started early ({@link EarlyWriteback}).
 */
public final class BlobStore implements BlobFiles {
    /** Native buffers are aligned for direct I/O on filesystems with blocks of up to 4 KiB (nearly all). */
    private static final int ALIGNMENT = 4096;
    /** Blobs this large or larger are written with direct I/O: below it the page cache costs little and saves a read. */
    static final long DIRECT_BYTES = 8L * 1024 * 1024;
    private static final Duration STALE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern BLOB_NAME = Pattern.compile("[0-9a-f]{64}");

    private final Path blobs;
    private final Path incoming;
    private final Path trash;
    private final NativeBuffers writeBuffers = new NativeBuffers(DirectFileWriter.BUFFER, ALIGNMENT, 16);
    private final NativeBuffers readBuffers = new NativeBuffers(VerifiedBlobReader.READ_AHEAD_BUFFER, ALIGNMENT, 8);

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

    /**
     * A blob written to its temporary file, named, not yet in place. {@code synced} is false when the file was
     * not fsynced because an identical blob was already stored (see {@link #place}).
     */
    public record WrittenBlob(Path temp, String name, long size, boolean synced) {
    }

    /**
     * Starts writing a blob of about {@code expectedSize} bytes (negative when unknown), named by its sha256 when
     * {@code contentAddressed} and at random otherwise (for ciphertext). Blobs of {@link #DIRECT_BYTES} or more, or
     * of unknown size, are written with direct I/O where the filesystem allows it ({@link DirectFileWriter}).
     */
    public Writer newWriter(long expectedSize, boolean contentAddressed) {
        try {
            Path temp = Files.createTempFile(incoming, "blob-", ".tmp");
            return new Writer(temp, expectedSize < 0 || expectedSize >= DIRECT_BYTES ? DirectFileWriter.open(temp, writeBuffers) : null,
                    contentAddressed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary blob in " + incoming, e);
        }
    }

    /** The final path of a blob. */
    public Path path(String name) {
        return blobs.resolve(name.substring(0, 2)).resolve(name);
    }

    /**
     * Moves a written blob into place, then syncs the directory; idempotent. Called while the blob's row is locked, so
     * that no other transaction removes a stored blob meanwhile: when an identical blob is already in place (same
     * name, the file length its size gives), that one is kept, already durable, and the new file is thrown away
     * ({@link #discard}). Otherwise the new file is synced first if it was not yet.
     */
    public void place(WrittenBlob blob) {
        Path target = path(blob.name());
        try {
            if (!Files.exists(blob.temp())) {
                if (Files.exists(target)) {
                    return; // placed by an earlier attempt of the same transaction
                }
                throw new IllegalStateException("blob " + blob.name() + " vanished before it was placed");
            }
            if (stored(blob.name(), blob.size())) {
                discardLater(blob.temp());
                return;
            }
            if (!blob.synced()) {
                try (FileChannel file = FileChannel.open(blob.temp(), StandardOpenOption.WRITE)) {
                    file.force(false);
                }
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(blob.temp(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(blob.temp(), target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot place blob " + blob.name(), e);
        }
    }

    /** True when the blob is in place with the file length of a blob of {@code size} bytes and its checksums. */
    private boolean stored(String name, long size) {
        try {
            return Files.size(path(name)) == BlobChecksums.fileLength(size);
        } catch (IOException e) {
            return false;
        }
    }

    /** Moves a temporary file to the trash, and from there {@link #discard}s it. */
    private void discardLater(Path temp) throws IOException {
        Path aside = trash.resolve(temp.getFileName());
        Files.move(temp, aside, StandardCopyOption.ATOMIC_MOVE);
        discard(aside.toString());
    }

    /**
     * Opens {@code length} bytes of a blob of {@code size} bytes from {@code offset}, every one verified before it is
     * handed over: a read that would hand over a corrupted byte fails with an IOException instead (see
     * {@link VerifiedBlobReader}). Blobs written before checksum trailers existed are verified by their sha256 when
     * read whole (the read that would reach the end fails if it does not match), and not at all when read in part.
     */
    public InputStream open(String name, long size, long offset, long length) throws IOException {
        Path file = path(name);
        String what = "blob " + name;
        long fileLength = Files.size(file);
        if (fileLength == BlobChecksums.fileLength(size)) {
            return VerifiedBlobReader.open(file, size, offset, length, readBuffers, what);
        }
        if (BlobChecksums.legacy(fileLength, size)) {
            if (offset == 0 && length == size) {
                return new Sha256VerifyingInputStream(Files.newInputStream(file), name, size, what); // named by their sha256
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        }
        throw new IOException(what + " takes " + fileLength + " bytes on disk where its " + size + " bytes and their checksums take "
                + BlobChecksums.fileLength(size) + ": it is corrupted");
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
        if (handle == null) {
            return;
        }
        Path file = Path.of(handle);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return; // gone already
        }
        // Unlinking a large file takes a while (a few tenths of a second per GiB) and nobody waits for it: a request
        // that replaced or deleted a large object answers without it. Small files go at once.
        if (size >= DIRECT_BYTES) {
            Thread.startVirtualThread(() -> deleteQuietly(file));
        } else {
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // swept at a later start
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

    /**
     * Removes every temporary file of a blob write, whatever its age. Called as the store opens, before any write
     * starts: a file in {@code incoming/} then belongs to a write that a crash or a kill cut short, and would
     * otherwise wait for {@link #sweep} to find it an hour old, taking disk space across restarts meanwhile. The data
     * directory is one process's (as the agent's workspaces are), so no other process is writing here.
     *
     * @return how many files were removed
     */
    public int removeInterruptedWrites() {
        int removed = 0;
        try (Stream<Path> files = Files.list(incoming)) {
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        } catch (IOException ignored) {
            // best effort: sweep() tries again later
        }
        return removed;
    }

    /**
     * Settles the blobs a deletion set aside ({@link #setAside}) when the process died before the deletion's
     * transaction ended: a blob the database still names (the transaction rolled back) is put back in place, one it
     * no longer names (the deletion committed, the file was not yet discarded) is removed. Called as the store opens,
     * before any deletion starts; without it, {@link #sweep} would remove a blob an object still refers to.
     *
     * @param stored whether the database still names a blob (by its name)
     * @return how many blobs were put back
     */
    public int settleSetAside(Predicate<String> stored) {
        int restored = 0;
        try (Stream<Path> files = Files.list(trash)) {
            for (Path file : files.toList()) {
                String fileName = file.getFileName().toString();
                int dot = fileName.indexOf('.');
                String name = dot < 0 ? fileName : fileName.substring(0, dot);
                Path target = BLOB_NAME.matcher(name).matches() ? path(name) : null;
                if (target != null && stored.test(name) && !Files.exists(target)) {
                    Files.createDirectories(target.getParent());
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                    restored++;
                } else {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot settle the blobs set aside in " + trash, e);
        }
        return restored;
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

    private static byte[] randomName() {
        byte[] name = new byte[32];
        RANDOM.nextBytes(name);
        return name;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A blob being written: an output stream that digests and checksums what passes; {@link #finish} appends the
     * checksums, syncs and names it. Large blobs are written with direct I/O ({@link DirectFileWriter}) or, where the
     * filesystem refuses it, start on their way to the disk as they are written ({@link EarlyWriteback}).
     */
    public final class Writer extends OutputStream {
        private final Path temp;
        private final DirectFileWriter direct;
        private final FileChannel file;
        private final EarlyWriteback writeback;
        private final MessageDigest digest;
        private final BlobChecksums.Builder checksums = new BlobChecksums.Builder();
        private long size;
        private boolean closed;

        /** Writes {@code temp} through {@code direct}, or through the page cache when it is null. */
        private Writer(Path temp, DirectFileWriter direct, boolean contentAddressed) throws IOException {
            this.temp = temp;
            this.direct = direct;
            this.digest = contentAddressed ? sha256() : null;
            this.file = direct == null ? FileChannel.open(temp, StandardOpenOption.WRITE) : null;
            this.writeback = direct == null ? new EarlyWriteback(file) : null;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (digest != null) {
                digest.update(b, off, len);
            }
            checksums.update(b, off, len);
            writeFully(b, off, len);
            size += len;
        }

        private void writeFully(byte[] b, int off, int len) throws IOException {
            if (direct != null) {
                direct.write(b, off, len);
                return;
            }
            // A FileChannel, which the early writeback forces too (and which copies through a native buffer it keeps
            // per thread, where a FileOutputStream allocates one per call).
            ByteBuffer bytes = ByteBuffer.wrap(b, off, len);
            while (bytes.hasRemaining()) {
                file.write(bytes);
            }
            writeback.written(len);
        }

        /** Does nothing: the file is closed by {@link #finish} or {@link #abort}. */
        @Override
        public void close() {
        }

        /**
         * Appends the checksums, syncs and closes the temporary file, and returns the blob's digest and size. When an
         * identical blob is stored already the sync is left out: {@link #place} keeps that one.
         */
        public WrittenBlob finish() throws IOException {
            byte[] trailer = checksums.trailer();
            writeFully(trailer, 0, trailer.length);
            String name = HexFormat.of().formatHex(digest != null ? digest.digest() : randomName());
            boolean sync = digest == null || !stored(name, size);
            closed = true;
            if (direct != null) {
                direct.finish(sync);
            } else {
                writeback.await();
                if (sync) {
                    file.force(false);
                }
                file.close();
            }
            return new WrittenBlob(temp, name, size, sync);
        }

        /** Deletes the temporary file (after a failure, or once the blob is placed it is already gone). */
        public void abort() {
            try {
                if (!closed) {
                    closed = true;
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
