package dev.conveyor.artifacts.local;

import dev.conveyor.artifacts.ChunkedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream ahead on a thread of its own, a few buffers in front of the reader. For content that costs CPU to
 * produce (decryption: about 0.25 s per GiB) while the reader spends its own time sending what it got, so that a large
 * download takes the time of the slower of the two rather than of both. A platform thread, as for
 * {@link VerifiedBlobReader}: a virtual one would hold a carrier thread through every chunk it decrypts.
 */
final class ReadAheadInputStream extends ChunkedInputStream {
    private static final int BUFFERS = 4;

    /** What the thread hands over: bytes, a failure, or the end (length -1). */
    private record Filled(byte[] buffer, int length, IOException failure) {
    }

    private final InputStream source;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Filled> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final Thread thread;
    private byte[] current;
    private IOException failure;
    private boolean ended;

    ReadAheadInputStream(InputStream source, int bufferSize) {
        this.source = source;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[bufferSize]);
        }
        thread = Thread.ofPlatform().daemon().name("read-ahead").start(this::run);
    }

    private void run() {
        try {
            while (true) {
                byte[] buffer = free.take();
                int n;
                try {
                    n = source.readNBytes(buffer, 0, buffer.length);
                } catch (IOException e) {
                    filled.put(new Filled(null, 0, e));
                    return;
                }
                if (n > 0) {
                    filled.put(new Filled(buffer, n, null));
                }
                if (n < buffer.length) {
                    filled.put(new Filled(null, -1, null));
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed by the reader
        }
    }

    /** Serves the next buffer the thread filled, giving the one just read back to it. */
    @Override
    protected boolean fill() throws IOException {
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
        Filled next;
        try {
            next = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading ahead");
        }
        if (next.failure() != null) {
            failure = next.failure();
            throw failure;
        }
        if (next.length() < 0) {
            ended = true;
            return false;
        }
        current = next.buffer();
        serve(current, next.length());
        return true;
    }

    /** Stops the thread, then closes the source. */
    @Override
    public void close() throws IOException {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
