package dev.conveyor.artifacts.local;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A pool of aligned native buffers of one size, for the direct I/O of large blobs. Native memory is only given back
 * when the garbage collector finds a buffer unreachable, which with a quiet heap can be long after the transfer
 * ended: allocating a few MiB per large upload or download would pile native memory up until the JVM's limit forces
 * a full collection. Buffers come back here when a transfer ends normally; up to {@code idle} of them are kept for
 * the next one (a transfer that fails leaves its buffers to the collector).
 */
final class NativeBuffers {
    private final int size;
    private final int alignment;
    private final BlockingQueue<ByteBuffer> idle;

    NativeBuffers(int size, int alignment, int idle) {
        this.size = size;
        this.alignment = alignment;
        this.idle = new ArrayBlockingQueue<>(idle);
    }

    /** A cleared buffer of {@link #size()} bytes whose address is a multiple of the alignment. */
    ByteBuffer take() {
        ByteBuffer buffer = idle.poll();
        if (buffer != null) {
            return buffer.clear();
        }
        // alignedSlice can leave up to one alignment more than asked for; slice again to exactly the size.
        return ByteBuffer.allocateDirect(size + alignment).alignedSlice(alignment).limit(size).slice();
    }

    /** Gives a buffer from {@link #take} back for reuse, or to the collector when enough are idle. */
    void give(ByteBuffer buffer) {
        if (buffer != null && buffer.capacity() == size) {
            idle.offer(buffer);
        }
    }

    int size() {
        return size;
    }

    int alignment() {
        return alignment;
    }
}
