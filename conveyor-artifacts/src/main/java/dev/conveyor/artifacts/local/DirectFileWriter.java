package dev.conveyor.artifacts.local;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes a large file with direct I/O ({@code O_DIRECT}): the bytes go from aligned native buffers to the disk
 * without a copy into the page cache, on a thread of its own while the caller fills the next buffer.
 *
 * <p>Why ({@link DirectIo} has the measurements): besides the kernel's copy, the closing fsync of a write through the
 * page cache waited for whatever writeback had not reached the disk yet, which made large uploads' times vary
 * threefold from run to run. Durability still rests on {@link #finish}'s fsync (direct writes may sit in the
 * device's cache). Where the filesystem refuses direct I/O, {@link #open} returns null and the caller writes through
 * the page cache instead.
 */
final class DirectFileWriter {
    /** Bytes per write(2): 1 MiB writes reach this disk's sequential speed (3 GB/s with dd, against 1.9 at 256 KiB). */
    static final int BUFFER = 1024 * 1024;
    private static final int BUFFERS = 3;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final FileChannel channel;
    private final int alignment;
    private final NativeBuffers buffers;
    private final BlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private final Thread thread;
    private volatile IOException failure;
    private ByteBuffer current;
    private long size;
    private boolean closed;

    private DirectFileWriter(FileChannel channel, int alignment, NativeBuffers buffers) {
        this.channel = channel;
        this.alignment = alignment;
        this.buffers = buffers;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(buffers.take());
        }
        thread = Thread.ofPlatform().daemon().name("blob-direct-write").start(this::run);
    }

    /**
     * Opens {@code file} (which exists and is empty) for direct writes, or returns null where direct I/O is not
     * available, which is not an error: the caller writes it through the page cache.
     */
    static DirectFileWriter open(Path file, NativeBuffers buffers) {
        DirectIo.Opened opened = DirectIo.open(file, buffers, StandardOpenOption.WRITE);
        return opened == null ? null : new DirectFileWriter(opened.channel(), opened.alignment(), buffers);
    }

    private void run() {
        try {
            while (true) {
                ByteBuffer buffer = filled.take();
                if (buffer == END) {
                    return;
                }
                try {
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                } catch (IOException e) {
                    failure = e;
                }
                free.put(buffer.clear());
            }
        } catch (InterruptedException e) {
            // aborted
        }
    }

    /** Copies bytes into the current buffer, handing each full one to the writing thread. */
    void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (current == null) {
                current = take();
            }
            int n = Math.min(len, current.remaining());
            current.put(b, off, n);
            off += n;
            len -= n;
            size += n;
            if (!current.hasRemaining()) {
                submit(current.flip());
                current = null;
            }
        }
    }

    /**
     * Writes what is left, pads it to a whole block as direct I/O requires and cuts the file back to its size, then
     * syncs (when {@code sync}) and closes the file.
     */
    void finish(boolean sync) throws IOException {
        if (current != null && current.position() > 0) {
            int tail = current.position();
            int padded = (tail + alignment - 1) / alignment * alignment;
            current.limit(padded);
            while (current.position() < padded) {
                current.put((byte) 0);
            }
            submit(current.flip());
            current = null;
        }
        drain();
        if (channel.size() != size) {
            channel.truncate(size);
        }
        if (sync) {
            channel.force(false);
        }
        close();
        free.forEach(buffers::give); // the writing thread has ended: every buffer is back in the queue
    }

    /** Stops the writing thread and closes the file, its contents unfinished. */
    void abort() {
        thread.interrupt();
        try {
            thread.join();
            free.forEach(buffers::give);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            close();
        } catch (IOException ignored) {
            // the temporary file is deleted next
        }
    }

    private void close() throws IOException {
        if (!closed) {
            closed = true;
            channel.close();
        }
    }

    private ByteBuffer take() throws IOException {
        try {
            ByteBuffer buffer = free.take();
            checkFailure();
            return buffer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing a blob");
        }
    }

    private void submit(ByteBuffer buffer) throws IOException {
        checkFailure();
        try {
            filled.put(buffer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing a blob");
        }
    }

    /** Waits until the writing thread has written everything submitted, and ends it. */
    private void drain() throws IOException {
        try {
            filled.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing a blob");
        }
        checkFailure();
    }

    private void checkFailure() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException("cannot write a blob: " + e.getMessage(), e);
        }
    }
}
