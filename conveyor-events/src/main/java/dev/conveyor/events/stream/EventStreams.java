package dev.conveyor.events.stream;

import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.store.Database;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What live streams read: events after a seq, and a wait for the next commit. The outbox is the source, so a stream
 * that reconnects with the last seq it saw (Last-Event-ID) gets exactly what it missed, from any server replica.
 */
public final class EventStreams {
    private final Database db;
    private final Outbox outbox;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;

    public EventStreams(Database db, Outbox outbox) {
        this.db = db;
        this.outbox = outbox;
    }

    /**
     * Events of the pipeline (of one execution when {@code executionId} is given; of every pipeline when
     * {@code pipelineName} is null) after {@code afterSeq}.
     */
    public List<OutboxRow> after(String pipelineName, String executionId, long afterSeq) {
        return db.read(c -> outbox.eventsOf(c, pipelineName, executionId, afterSeq, 500));
    }

    /** The seq of the last event committed of that stream (0 if none): where a stream of what comes next starts. */
    public long lastSeq(String pipelineName, String executionId) {
        return db.read(c -> outbox.lastSeqOf(c, pipelineName, executionId));
    }

    /** Called after every commit that may have written events. */
    public void committed() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a commit after {@code seenVersion}, or {@code max}; returns the version now. */
    public long await(long seenVersion, Duration max) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + max.toNanos();
            while (version == seenVersion) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            return version;
        } finally {
            lock.unlock();
        }
    }
}
