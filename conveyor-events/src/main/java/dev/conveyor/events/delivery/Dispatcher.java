package dev.conveyor.events.delivery;

import dev.conveyor.events.outbox.Outbox;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers what the outbox holds, after commit, on threads of its own. Rows are routed where they are written
 * ({@link RouteOnWrite}); one loop routes the committed rows that were not (written before routing moved there, or
 * whose routing failed where they were written: each in a transaction that writes its deliveries and marks it routed,
 * so a crash routes it again or not at all) and starts the due head of every lane on a virtual thread: a lane is one subscriber and one execution, so a subscriber
 * gets an execution's events in order, and a slow or dead receiver holds up only its own lanes. A failed attempt is
 * tried again after the policy's backoff; one that keeps failing is dead-lettered and its lane moves on.
 * Delivery is at least once: a crash between sending and recording sends again, with the same event id.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Database db;
    private final Outbox outbox;
    private final Deliveries deliveries;
    private final Router router;
    private final Senders senders;
    private final DeliveryPolicy policy;
    private final Clock clock;
    private final Duration tick;
    private final Runnable beforeRound;
    private final Runnable routed;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean signalled;
    private volatile boolean running;
    private Thread loop;
    /** Whether this process does the dispatching: with several replicas, only the one holding the outbox's lock. */
    private volatile java.util.function.BooleanSupplier dispatchesHere = () -> true;

    Dispatcher(Database db, Outbox outbox, Deliveries deliveries, Router router, Senders senders, DeliveryPolicy policy, Clock clock,
               Duration tick, Runnable beforeRound, Runnable routed) {
        this.db = db;
        this.outbox = outbox;
        this.deliveries = deliveries;
        this.router = router;
        this.senders = senders;
        this.policy = policy;
        this.clock = clock;
        this.tick = tick;
        this.beforeRound = beforeRound;
        this.routed = routed;
    }

    public static Dispatcher create(Database db, Outbox outbox, Deliveries deliveries, dev.conveyor.events.sns.SnsFanout fanout,
                                    java.util.function.Supplier<String> publicUrl, Senders senders, DeliveryPolicy policy, Clock clock,
                                    Duration tick, Runnable beforeRound, Runnable routed) {
        return new Dispatcher(db, outbox, deliveries, new Router(fanout, publicUrl), senders, policy, clock, tick, beforeRound, routed);
    }

    public synchronized Dispatcher start() {
        running = true;
        loop = Thread.ofVirtual().name("conveyor-events-dispatcher").start(this::run);
        return this;
    }

    /**
     * Routes, delivers and fires schedule rules only while {@code gate} says so (the replica holding the notification
     * outbox's lock), so that several replicas on one database neither fire a schedule twice nor race each other's
     * deliveries; the others wait for the lock to come their way.
     */
    public void onlyWhile(java.util.function.BooleanSupplier gate) {
        this.dispatchesHere = gate;
    }

    /** Something was committed: route and deliver now rather than at the next tick. Never blocks. */
    public void signal() {
        if (lock.tryLock()) {
            try {
                signalled = true;
                wake.signalAll();
            } finally {
                lock.unlock();
            }
        } else {
            Thread.ofVirtual().start(() -> {
                lock.lock();
                try {
                    signalled = true;
                    wake.signalAll();
                } finally {
                    lock.unlock();
                }
            });
        }
    }

    private void run() {
        while (running) {
            try {
                if (dispatchesHere.getAsBoolean()) {
                    beforeRound.run();
                    if (routeAll() > 0) {
                        routed.run();
                    }
                    deliverDue();
                }
            } catch (RuntimeException e) {
                LOG.warn("event dispatch round failed: {}", e.toString());
            }
            lock.lock();
            try {
                if (!signalled && running) {
                    wake.await(waitMillis(), TimeUnit.MILLISECONDS);
                }
                signalled = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private long waitMillis() {
        try {
            Instant next = db.read(deliveries::nextDue);
            long untilNext = next == null ? tick.toMillis() : Duration.between(clock.instant(), next).toMillis();
            return Math.max(1, Math.min(tick.toMillis(), untilNext));
        } catch (RuntimeException e) {
            return tick.toMillis();
        }
    }

    /** Routes every committed, unrouted outbox row; returns how many. */
    int routeAll() {
        int total = 0;
        while (true) {
            List<OutboxRow> rows = db.read(c -> outbox.unrouted(c, 200));
            if (rows.isEmpty()) {
                return total;
            }
            // One transaction per batch, not per row: a commit is a durable write, and after a burst of executions
            // (10,000 pipelines created at once in the benchmark) routing row by row kept a core busy for a minute.
            // Routing a row only adds its deliveries and marks it, so a batch commits or rolls back as a whole.
            db.inTransaction(c -> {
                Router.Snapshot rules = router.snapshot();
                for (OutboxRow row : rows) {
                    for (DeliveryRow d : router.route(c, row, clock.instant(), rules)) {
                        deliveries.add(c, d);
                    }
                    outbox.markRouted(c, row.seq());
                }
                return null;
            });
            total += rows.size();
        }
    }

    private void deliverDue() {
        for (DeliveryRow d : db.read(c -> deliveries.due(c, clock.instant(), 500))) {
            if (!inFlight.add(d.lane())) {
                continue;
            }
            Thread.ofVirtual().name("conveyor-delivery").start(() -> {
                try {
                    attempt(d);
                } finally {
                    inFlight.remove(d.lane());
                    signal();
                }
            });
        }
    }

    private void attempt(DeliveryRow d) {
        int attempts = d.attempts() + 1;
        // The row was read by a round that may have started before another attempt of it finished and left its lane
        // free: that attempt's result is committed before its lane is freed, so reading it again here sees it.
        if (!db.read(c -> deliveries.stillPending(c, d.id(), d.attempts()))) {
            return;
        }
        try {
            senders.send(d);
            db.inTransaction(c -> {
                deliveries.delivered(c, d.id(), attempts, clock.instant());
                return null;
            });
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            Instant next = attempts >= policy.maxAttempts() ? null : clock.instant().plus(policy.backoff(attempts));
            if (next == null) {
                LOG.warn("delivery {} of event {} to {} dead-lettered after {} attempts: {}", d.id(), d.eventId(), d.endpoint(), attempts, error);
            }
            try {
                db.inTransaction(c -> {
                    deliveries.failed(c, d.id(), attempts, error, next);
                    return null;
                });
            } catch (RuntimeException r) {
                LOG.warn("could not record a failed delivery {}: {}", d.id(), r.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        signal();
        try {
            if (loop != null) {
                loop.join(5000);
            }
            // Let attempts in flight record how they went (each is bounded by the policy's timeout).
            long deadline = System.nanoTime() + policy.timeout().toNanos();
            while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
