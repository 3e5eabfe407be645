package dev.conveyor.artifacts.local;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The digests an upload needs besides its blob's own sha256 (the MD5 of a plaintext ETag, the sha256 of an
 * encrypted upload's plaintext), updated with the very buffers the upload goes on writing. The caller takes a
 * buffer, fills it, submits it, and may read it until it takes the next one.
 *
 * <p>Off the caller's thread, a few buffers circulate between it and a digest thread, so that on two cores or more
 * these digests add no time to the blob's sha256, cipher and disk writes: MD5 runs at about 800 MiB/s on one core,
 * taking as long as all the rest of a plaintext upload together. The digest thread is a platform thread, not a
 * virtual one: it is seconds of CPU without a pause, which on a virtual thread would hold one of the few carrier
 * threads and stall every other request behind it. Inline (for small content, where a thread costs more than it
 * saves) the digests are updated by {@link #submit} itself and one buffer is reused.
 */
final class SideDigests implements AutoCloseable {
    private static final int BUFFERS = 4;
    private static final byte[] END = new byte[0];

    private record Chunk(byte[] buffer, int length) {
    }

    private final List<MessageDigest> digests;
    private final BlockingQueue<Chunk> work;
    private final BlockingQueue<byte[]> free;
    private final Thread thread;
    private final byte[] inlineBuffer;
    private volatile boolean done;

    private SideDigests(List<MessageDigest> digests, int bufferSize, boolean offThread) {
        this.digests = List.copyOf(digests);
        if (offThread && !digests.isEmpty()) {
            work = new ArrayBlockingQueue<>(BUFFERS + 1);
            free = new ArrayBlockingQueue<>(BUFFERS);
            for (int i = 0; i < BUFFERS; i++) {
                free.add(new byte[bufferSize]);
            }
            inlineBuffer = null;
            thread = Thread.ofPlatform().daemon().name("upload-digest").start(this::run);
        } else {
            work = null;
            free = null;
            inlineBuffer = new byte[bufferSize];
            thread = null;
        }
    }

    /** Digests on a thread of their own. */
    static SideDigests offThread(List<MessageDigest> digests, int bufferSize) {
        return new SideDigests(digests, bufferSize, true);
    }

    /** Digests updated on the caller's thread. */
    static SideDigests inline(List<MessageDigest> digests, int bufferSize) {
        return new SideDigests(digests, bufferSize, false);
    }

    private void run() {
        try {
            while (true) {
                Chunk chunk = work.take();
                if (chunk.buffer() == END) {
                    done = true;
                    return;
                }
                update(chunk.buffer(), chunk.length());
                free.put(chunk.buffer());
            }
        } catch (InterruptedException e) {
            // closed before the end: the upload failed and its digests are not wanted
        }
    }

    private void update(byte[] buffer, int length) {
        for (MessageDigest digest : digests) {
            digest.update(buffer, 0, length);
        }
    }

    /** A buffer to fill (off-thread, waits while all are being digested). */
    byte[] buffer() throws InterruptedException {
        return thread == null ? inlineBuffer : free.take();
    }

    /** Hands a filled buffer over; the caller may still read it until its next {@link #buffer()}. */
    void submit(byte[] buffer, int length) throws InterruptedException {
        if (thread == null) {
            update(buffer, length);
        } else {
            work.put(new Chunk(buffer, length));
        }
    }

    /** Waits for everything submitted and returns the digests, in the order they were given. */
    List<byte[]> finish() throws InterruptedException {
        if (thread != null) {
            work.put(new Chunk(END, 0));
            thread.join();
            if (!done) {
                throw new InterruptedException("the digest thread was stopped");
            }
        }
        List<byte[]> results = new ArrayList<>(digests.size());
        for (MessageDigest digest : digests) {
            results.add(digest.digest());
        }
        return results;
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
