package dev.conveyor.artifacts.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A whole blob read ahead and verified on a thread of its own. That thread reads the file in large buffers and
 * computes their sha256 while the reader copies the previous buffers out (to the network, or into the decryption),
 * so that a large download takes the time of the digest or of the transfer, whichever is longer, rather than both
 * one after the other. The last buffer is handed over only once the blob's length and sha256 match its name: a
 * reader never gets to the end of a corrupted blob, the read that would reach it fails instead (and an HTTP response
 * then stops short of its Content-Length, which clients take for a failure, rather than completing). A platform
 * thread rather than a virtual one: the digest is seconds of CPU without a pause for a large blob, which would hold
 * one of the few carrier threads and stall other requests.
 */
final class VerifiedReadAhead extends InputStream {
    private static final int BUFFERS = 3;

    /** A buffer filled by the reading thread; {@code length < 0} marks the end, {@code failure} a failed read. */
    private record Filled(byte[] buffer, int length, IOException failure) {
    }

    private static final Filled END = new Filled(null, -1, null);

    private final InputStream file;
    private final String sha256;
    private final long size;
    private final String what;
    private final BlockingQueue<Filled> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final Thread thread;
    private Filled current;
    private int position;
    private IOException failure;
    private boolean ended;

    /** Starts reading {@code file}, the whole blob named {@code sha256} of {@code size} bytes. */
    VerifiedReadAhead(InputStream file, String sha256, long size, int bufferSize) {
        this.file = file;
        this.sha256 = sha256;
        this.size = size;
        this.what = "blob " + sha256;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[bufferSize]);
        }
        thread = Thread.ofPlatform().daemon().name("blob-read").start(this::readAhead);
    }

    private void readAhead() {
        try (file) {
            MessageDigest digest = BlobStore.sha256();
            long total = 0;
            while (true) {
                byte[] buffer = free.take();
                int wanted = (int) Math.min(buffer.length, size - total);
                int n = file.readNBytes(buffer, 0, wanted);
                digest.update(buffer, 0, n);
                total += n;
                if (n < wanted || total == size) {
                    // Everything is read: hand over the last bytes only if the blob is intact.
                    boolean longer = n == wanted && file.read() >= 0;
                    String actual = HexFormat.of().formatHex(digest.digest());
                    if (longer || total != size || !actual.equals(sha256)) {
                        filled.put(new Filled(null, 0, new IOException(what + " does not match its recorded sha256 " + sha256 + " and size "
                                + size + " (read " + total + (longer ? "+" : "") + " bytes with sha256 " + actual + "): it is corrupted")));
                        return;
                    }
                    if (n > 0) {
                        filled.put(new Filled(buffer, n, null));
                    }
                    filled.put(END);
                    return;
                }
                filled.put(new Filled(buffer, n, null));
            }
        } catch (InterruptedException e) {
            // closed by the reader
        } catch (IOException | RuntimeException e) {
            filled.offer(new Filled(null, 0, e instanceof IOException io ? io : new IOException("cannot read " + what, e)));
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
        while (current == null || position == current.length()) {
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return -1;
            }
            if (current != null) {
                free.offer(current.buffer());
                current = null;
            }
            Filled next;
            try {
                next = filled.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading " + what);
            }
            if (next.failure() != null) {
                failure = next.failure();
            } else if (next == END) {
                ended = true;
            } else {
                current = next;
                position = 0;
            }
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.buffer(), position, b, off, n);
        position += n;
        return n;
    }

    /** Stops the reading thread (which closes the file) if it has not finished. */
    @Override
    public void close() {
        thread.interrupt();
    }
}
