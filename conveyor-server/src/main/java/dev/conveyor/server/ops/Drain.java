package dev.conveyor.server.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's draining before it stops (SIGTERM): {@code /readyz} answers 503 at once so the load balancer stops sending
 * new requests, this replica gives up its singleton work and takes no new jobs, running jobs finish (or are handed
 * back), and the requests in flight finish before the listener closes.
 */
public final class Drain {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    public boolean draining() {
        return draining;
    }

    public void start() {
        draining = true;
    }

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestEnded() {
        inFlight.decrementAndGet();
    }

    /** Requests being served now (long polls included). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Waits until no request is in flight, or {@code timeout}; true when none is. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return inFlight.get() == 0;
    }
}
