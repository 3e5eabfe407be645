package dev.conveyor.artifacts.local;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Buffers passed from a thread that fills them to the reader that consumes them, and back again: the few that
 * circulate bound how far the filling thread works ahead. The filling thread ends with {@link #end} or
 * {@link #fail}; the reader sees the end as null, and a failure as an exception, on that read and every later one.
 */
final class Handoff<T> {
    /** A filled buffer, a failure, or the end (both null). */
    private record Item<T>(T buffer, IOException failure) {
    }

    private final BlockingQueue<T> free;
    private final BlockingQueue<Item<T>> filled;
    private final String what;
    private IOException failure;
    private boolean ended;

    /** Circulates {@code buffers}; {@code what} names the content in an interruption's message. */
    Handoff(List<T> buffers, String what) {
        this.free = new ArrayBlockingQueue<>(buffers.size(), false, buffers);
        this.filled = new ArrayBlockingQueue<>(buffers.size() + 1);
        this.what = what;
    }

    // ---------------------------------------------------------------- the filling thread

    /** A buffer to fill, waiting while all are with the reader. */
    T emptyBuffer() throws InterruptedException {
        return free.take();
    }

    void pass(T buffer) throws InterruptedException {
        filled.put(new Item<>(buffer, null));
    }

    void fail(IOException e) throws InterruptedException {
        filled.put(new Item<>(null, e));
    }

    void end() throws InterruptedException {
        filled.put(new Item<>(null, null));
    }

    // ---------------------------------------------------------------- the reader

    /** Gives a buffer from {@link #next} back to be filled again, without waiting for the next one. */
    void giveBack(T done) {
        free.offer(done);
    }

    /** Gives {@code done} back (the buffer just read, or null), then waits for the next one; null at the end. */
    T next(T done) throws IOException {
        if (done != null) {
            free.offer(done);
        }
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            return null;
        }
        Item<T> item;
        try {
            item = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + what);
        }
        if (item.failure() != null) {
            failure = item.failure();
            throw failure;
        }
        if (item.buffer() == null) {
            ended = true;
        }
        return item.buffer();
    }

    /** Every buffer not in the reader's hands, once the filling thread has stopped: for a pool to take back. */
    List<T> drain() {
        List<T> idle = new ArrayList<>(free);
        free.clear();
        filled.forEach(item -> {
            if (item.buffer() != null) {
                idle.add(item.buffer());
            }
        });
        filled.clear();
        return idle;
    }
}
