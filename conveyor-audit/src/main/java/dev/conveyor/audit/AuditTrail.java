package dev.conveyor.audit;

import dev.conveyor.audit.store.AuditRepository;
import dev.conveyor.audit.store.StoredEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records calls off the request path: {@link #record} puts the event in a bounded queue and returns; one writer thread
 * takes what has queued up (up to {@value #BATCH} at a time), resolves who signed each call and stores the batch in
 * one transaction. A request therefore waits for the database only when {@value #CAPACITY} events are already
 * waiting (it then blocks rather than lose one: an audit trail with silent gaps is worse than a slow request).
 *
 * <p>{@link #close()} stops taking events and writes everything queued before it returns, so a clean shutdown loses
 * nothing. A crash (kill -9, power loss) loses what was queued and not yet committed: the calls of the last moment,
 * normally a few milliseconds' worth, at most one batch being written plus what queued behind it. The writer also
 * removes events older than the retention (CloudTrail's event history keeps 90 days), at start and hourly.
 */
public final class AuditTrail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    static final int CAPACITY = 10_000;
    static final int BATCH = 500;
    private static final Duration RETENTION_INTERVAL = Duration.ofHours(1);

    private final AuditRepository repository;
    private final IdentityResolver identities;
    private final CloudTrailRecords records;
    private final Clock clock;
    private final Duration retention;
    private final BlockingQueue<AuditEvent> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread writer;
    private volatile boolean closed;
    private Instant nextRetention = Instant.MIN;

    AuditTrail(AuditRepository repository, IdentityResolver identities, String region, String accountId, Clock clock,
               Duration retention) {
        this.repository = repository;
        this.identities = identities;
        this.records = new CloudTrailRecords(region, accountId);
        this.clock = clock;
        this.retention = retention;
        this.writer = Thread.ofPlatform().daemon().name("conveyor-audit-writer").start(this::writeLoop);
    }

    /** Queues one call for the trail; blocks only while the queue is full. Events recorded after {@link #close()} are dropped. */
    public void record(AuditEvent event) {
        if (closed) {
            LOG.warn("audit event {} {} after shutdown not recorded", event.eventSource(), event.eventName());
            return;
        }
        try {
            queue.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while queueing audit event {} {}", event.eventSource(), event.eventName());
        }
    }

    private void writeLoop() {
        List<AuditEvent> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                applyRetention(); // first thing at start, then hourly
                AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    write(batch);
                    batch.clear();
                } else if (closed) {
                    return; // closed and drained
                }
            } catch (InterruptedException e) {
                if (closed && queue.isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("audit writer failed; continuing", e);
                batch.clear();
            }
        }
    }

    /** Stores a batch; retries a failing database a few times before giving the batch up (and saying so in the log). */
    private void write(List<AuditEvent> batch) throws InterruptedException {
        Map<String, CallerIdentity> resolved = new HashMap<>();
        List<StoredEvent> rows = new ArrayList<>(batch.size());
        for (AuditEvent event : batch) {
            CallerIdentity identity = event.accessKeyId() == null ? CallerIdentity.anonymous()
                    : resolved.computeIfAbsent(event.accessKeyId(), identities::resolve);
            rows.add(records.toStored(event, identity));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                repository.insert(rows);
                return;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    LOG.error("{} audit events could not be stored and are lost: {}", rows.size(), e.toString());
                    return;
                }
                LOG.warn("storing {} audit events failed (attempt {}): {}", rows.size(), attempt, e.toString());
                Thread.sleep(500L * attempt); // a database that just failed over gets a moment
            }
        }
    }

    private void applyRetention() {
        Instant now = clock.instant();
        if (now.isBefore(nextRetention)) {
            return;
        }
        nextRetention = now.plus(RETENTION_INTERVAL);
        int removed = repository.deleteOlderThan(now.minus(retention));
        if (removed > 0) {
            LOG.info("removed {} audit events older than {} days", removed, retention.toDays());
        }
    }

    /** Stops taking events and returns once every queued event is stored. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
