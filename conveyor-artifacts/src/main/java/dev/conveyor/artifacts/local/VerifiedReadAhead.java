package dev.conveyor.artifacts.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A whole blob read ahead and verified on threads of their own. One thread reads the file into large buffers, a
 * second computes their sha256, while the reader copies the previous buffers out (to the network, or into the
 * decryption): a large download takes the time of its slowest stage (the digest, about 0.55 s per GiB here) rather
 * than of all three one after the other. The digest thread holds each buffer back until the next one is digested,
 * and the last one until the blob's length and sha256 match its name: a reader never gets to the end of a corrupted
 * blob, the read that would reach it fails instead (and an HTTP response then stops short of its Content-Length,
 * which clients take for a failure, rather than completing). Platform threads rather than virtual ones: the digest
 * is seconds of CPU without a pause for a large blob, which would hold one of the few carrier threads and stall
 * other requests.
 *
 * <p>The buffers are native memory: the file is read into them with no copy through the Java heap, and
 * {@link #transferTo} hands them as they are to an output that is also a {@link WritableByteChannel} (the HTTP
 * response), whose socket write then takes them with no copy either. Through {@code byte[]} buffers a GiB sent
 * cost three more copies of it in user space.
 */
final class VerifiedReadAhead extends InputStream {
    private static final int BUFFERS = 4;

    /**
     * What one stage hands to the next: a buffer of bytes, a failure, or the end ({@code end}, with {@code longer}
     * when the file went on past the size it should have).
     */
    private record Chunk(ByteBuffer buffer, IOException failure, boolean end, boolean longer) {
        static Chunk of(ByteBuffer buffer) {
            return new Chunk(buffer, null, false, false);
        }

        static Chunk failed(IOException failure) {
            return new Chunk(null, failure, false, false);
        }

        static Chunk end(boolean longer) {
            return new Chunk(null, null, true, longer);
        }
    }

    private final FileChannel file;
    private final boolean direct;
    private final NativeBuffers buffers;
    private final String sha256;
    private final long size;
    private final String what;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Chunk> read = new ArrayBlockingQueue<>(BUFFERS + 2);
    private final BlockingQueue<Chunk> verified = new ArrayBlockingQueue<>(BUFFERS + 2);
    private final Thread reader;
    private final Thread digester;
    private ByteBuffer current;
    private IOException failure;
    private boolean ended;

    private VerifiedReadAhead(FileChannel file, boolean direct, NativeBuffers buffers, String sha256, long size) {
        this.file = file;
        this.direct = direct;
        this.buffers = buffers;
        this.sha256 = sha256;
        this.size = size;
        this.what = "blob " + sha256;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(buffers.take());
        }
        reader = Thread.ofPlatform().daemon().name("blob-read").start(this::readFile);
        digester = Thread.ofPlatform().daemon().name("blob-digest").start(this::digest);
    }

    /**
     * Starts reading {@code path}, the whole blob named {@code sha256} of {@code size} bytes, with direct I/O where
     * the filesystem allows it ({@link DirectIo}).
     */
    static VerifiedReadAhead open(Path path, String sha256, long size, NativeBuffers buffers) throws IOException {
        DirectIo.Opened opened = DirectIo.open(path, buffers, StandardOpenOption.READ);
        if (opened != null) {
            return new VerifiedReadAhead(opened.channel(), true, buffers, sha256, size);
        }
        return new VerifiedReadAhead(FileChannel.open(path, StandardOpenOption.READ), false, buffers, sha256, size);
    }

    /**
     * The first stage: the file's bytes, up to the blob's size, then whether there were more. A direct read asks
     * for a whole aligned buffer and comes back short only at the end of the file (after which another read would
     * start at an unaligned offset, which direct I/O refuses); a read through the page cache fills what it can.
     */
    private void readFile() {
        try (file) {
            long total = 0;
            while (true) {
                ByteBuffer buffer = free.take().clear();
                boolean atEnd;
                if (direct) {
                    atEnd = file.read(buffer) < buffer.capacity();
                } else {
                    int n = 0;
                    while (buffer.hasRemaining() && (n = file.read(buffer)) >= 0) {
                        // fill the buffer, or reach the end of the file
                    }
                    atEnd = n < 0;
                }
                buffer.flip();
                boolean longer = total + buffer.remaining() > size;
                if (longer) {
                    buffer.limit((int) (size - total));
                }
                total += buffer.remaining();
                if (buffer.hasRemaining()) {
                    read.put(Chunk.of(buffer));
                } else {
                    free.put(buffer);
                }
                if (longer || atEnd) {
                    read.put(Chunk.end(longer));
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed by the reader
        } catch (IOException | RuntimeException e) {
            read.offer(Chunk.failed(e instanceof IOException io ? io : new IOException("cannot read " + what, e)));
        }
    }

    /** The second stage: digests every buffer, passing each on once the next is in, and the last once all matched. */
    private void digest() {
        try {
            MessageDigest digest = BlobStore.sha256();
            long total = 0;
            ByteBuffer held = null;
            while (true) {
                Chunk chunk = read.take();
                if (chunk.failure() != null) {
                    verified.put(chunk);
                    return;
                }
                if (chunk.end()) {
                    String actual = HexFormat.of().formatHex(digest.digest());
                    if (chunk.longer() || total != size || !actual.equals(sha256)) {
                        verified.put(Chunk.failed(new IOException(what + " does not match its recorded sha256 " + sha256 + " and size "
                                + size + " (read " + total + (chunk.longer() ? "+" : "") + " bytes with sha256 " + actual + "): it is corrupted")));
                        return;
                    }
                    if (held != null) {
                        verified.put(Chunk.of(held));
                    }
                    verified.put(chunk);
                    return;
                }
                digest.update(chunk.buffer().duplicate());
                total += chunk.buffer().remaining();
                if (held != null) {
                    verified.put(Chunk.of(held));
                }
                held = chunk.buffer();
            }
        } catch (InterruptedException e) {
            // closed by the reader
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!nextBytes()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    /**
     * Sends the rest of the blob to {@code out}: the buffers themselves when {@code out} is a
     * {@link WritableByteChannel}, copied through an array otherwise.
     */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        if (!(out instanceof WritableByteChannel channel)) {
            return super.transferTo(out);
        }
        long sent = 0;
        while (nextBytes()) {
            sent += current.remaining();
            while (current.hasRemaining()) {
                channel.write(current);
            }
        }
        return sent;
    }

    /** Makes {@link #current} a buffer with bytes left to read; false at the end of the blob. */
    private boolean nextBytes() throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return false;
            }
            if (current != null) {
                free.offer(current);
                current = null;
            }
            Chunk next;
            try {
                next = verified.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading " + what);
            }
            if (next.failure() != null) {
                failure = next.failure();
            } else if (next.end()) {
                ended = true;
                // Both threads have ended and every buffer is back in the free queue: the pool takes them again.
                free.forEach(buffers::give);
                free.clear();
            } else {
                current = next.buffer();
            }
        }
        return true;
    }

    /** True when the file is read with direct I/O, false when through the page cache. */
    boolean direct() {
        return direct;
    }

    /** Stops the reading and digest threads (the reading one closes the file) if they have not finished. */
    @Override
    public void close() {
        reader.interrupt();
        digester.interrupt();
    }
}
