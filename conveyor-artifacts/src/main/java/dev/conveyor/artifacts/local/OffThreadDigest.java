package dev.conveyor.artifacts.local;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A digest computed on another thread while the caller goes on writing the same buffers, so that an upload's MD5
 * (the ETag, and the slowest digest) does not add to the time spent on its sha256, cipher and disk writes. The
 * caller takes a buffer, fills it, submits it, and may read it until it takes the next one; a small pool of
 * buffers circulates between the two threads.
 */
final class OffThreadDigest implements AutoCloseable {
    private static final int BUFFERS = 4;
    private static final byte[] END = new byte[0];

    private record Chunk(byte[] buffer, int length) {
    }

    private final MessageDigest digest;
    private final BlockingQueue<Chunk> work = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final Thread thread;
    private byte[] result;

    OffThreadDigest(MessageDigest digest, int bufferSize) {
        this.digest = digest;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[bufferSize]);
        }
        thread = Thread.ofVirtual().name("upload-digest").start(this::run);
    }

    private void run() {
        try {
            while (true) {
                Chunk chunk = work.take();
                if (chunk.buffer() == END) {
                    result = digest.digest();
                    return;
                }
                digest.update(chunk.buffer(), 0, chunk.length());
                free.put(chunk.buffer());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A buffer to fill (waits while all are being digested). */
    byte[] buffer() throws InterruptedException {
        return free.take();
    }

    /** Hands a filled buffer over; the caller may still read it until its next {@link #buffer()}. */
    void submit(byte[] buffer, int length) throws InterruptedException {
        work.put(new Chunk(buffer, length));
    }

    /** Waits for everything submitted and returns the digest. */
    byte[] finish() throws InterruptedException {
        work.put(new Chunk(END, 0));
        thread.join();
        return result;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
