package dev.conveyor.events.stream;

import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What live streams read: events after a seq, and a wait for the next commit. The outbox is the source, so a stream
 * that reconnects with the last seq it saw (Last-Event-ID) gets exactly what it missed, from any server replica.
 *
 * <p>Seqs are handed out when a row is inserted, not when its transaction commits, so two transactions can commit out
 * of order: seq 12 is visible while 11 is still in flight. A stream that sent 12 and moved its cursor past 11 would
 * never send 11 (and a client resuming after 12 would not get it either). A {@link Cursor} therefore sends nothing
 * beyond a gap until the gap is filled, or until the row after it is {@link #GAP_WAIT} old: then the gap was a
 * rolled-back transaction (or seqs an embedded database skipped at a restart, or rows purged) and is passed over.
 */
public final class EventStreams {
    /** How long a gap in the outbox's seqs holds back what comes after it (no engine transaction stays open this long). */
    public static final Duration GAP_WAIT = Duration.ofSeconds(3);
    private static final int LIMIT = 500;

    private final Database db;
    private final Outbox outbox;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;

    public EventStreams(Database db, Outbox outbox, Clock clock) {
        this.db = db;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * A stream's reading position: events of the pipeline (of one execution when {@code executionId} is given; of every
     * pipeline when {@code pipelineName} is null) after {@code afterSeq}, in seq order, none skipped.
     */
    public Cursor cursor(String pipelineName, String executionId, long afterSeq) {
        return new Cursor(pipelineName, executionId, afterSeq);
    }

    /** One stream's position; not shared between threads. */
    public final class Cursor {
        private final String pipelineName;
        private final String executionId;
        /** The last event sent. */
        private long after;
        /** Every seq up to this one is committed, or a gap passed over: what may be sent. */
        private long settled;

        private Cursor(String pipelineName, String executionId, long afterSeq) {
            this.pipelineName = pipelineName;
            this.executionId = executionId;
            this.after = afterSeq;
            this.settled = afterSeq;
        }

        /** The stream's events committed since the last call, as far as no gap holds them back; empty when none. */
        public List<OutboxRow> next() {
            return db.read(c -> {
                List<OutboxRow> rows = outbox.eventsOf(c, pipelineName, executionId, after, LIMIT);
                if (rows.isEmpty()) {
                    return rows;
                }
                long last = rows.get(rows.size() - 1).seq();
                if (settled < last) {
                    Instant passOver = clock.instant().minus(GAP_WAIT);
                    for (Outbox.Written written : outbox.writtenBetween(c, settled, last, 10 * LIMIT)) {
                        if (written.seq() != settled + 1 && written.createdAt().isAfter(passOver)) {
                            break; // a transaction may still commit the seqs before this row: wait for it
                        }
                        settled = written.seq();
                    }
                }
                List<OutboxRow> ready = new ArrayList<>(rows.size());
                for (OutboxRow row : rows) {
                    if (row.seq() > settled) {
                        break;
                    }
                    ready.add(row);
                    after = row.seq();
                }
                return ready;
            });
        }
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
