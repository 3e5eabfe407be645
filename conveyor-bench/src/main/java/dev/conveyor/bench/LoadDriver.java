package dev.conveyor.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: {@code clients} threads, each with its own keep-alive connection, send requests back to back
 * (the next as soon as the previous response is read) for a warm-up and then a measured window. Only requests
 * that both start and finish inside the window count; their latencies go into an HdrHistogram per thread,
 * merged at the end.
 *
 * <p>Platform threads, not virtual ones: each client blocks in a socket read almost all the time, and a platform
 * thread does so with a plain system call, the cheapest way for the driver to wait on a 2-core machine that the
 * server shares. Closed-loop means latency is the time a busy client waits for its own request; it is not a
 * fixed-rate (open-loop) measurement, so it says nothing about queueing beyond 32 outstanding requests.
 */
final class LoadDriver {
    /** Largest latency the histograms track, with 3 significant digits. */
    private static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final int clients;
    private final Duration warmup;
    private final Duration window;

    LoadDriver(int clients, Duration warmup, Duration window) {
        this.clients = clients;
        this.warmup = warmup;
        this.window = window;
    }

    /** Runs {@code workload} against {@code server} and returns what the measured window saw. */
    LoadResult run(Workload workload, ServerProcess server) throws InterruptedException {
        byte[][] requests = workload.requests(server.port());
        long begin = System.nanoTime();
        long windowStart = begin + warmup.toNanos();
        long windowEnd = windowStart + window.toNanos();

        List<Client> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Client client = new Client(server, requests, windowStart, windowEnd);
            workers.add(client);
            threads.add(Thread.ofPlatform().name("bench-client-" + i).start(client));
        }
        sleepUntil(windowStart);
        CpuUsage.Sample before = CpuUsage.Sample.take(server);
        sleepUntil(windowEnd);
        CpuUsage.Sample after = CpuUsage.Sample.take(server);
        for (Thread thread : threads) {
            thread.join();
        }

        Histogram latencies = new Histogram(MAX_TRACKED_NANOS, 3);
        long errors = 0;
        long warmupErrors = 0;
        long bytes = 0;
        long connections = 0;
        Map<String, Long> kinds = new TreeMap<>();
        for (Client client : workers) {
            latencies.add(client.latencies);
            errors += client.errors;
            warmupErrors += client.warmupErrors;
            bytes += client.responseBytes;
            connections += client.connectionsInWindow;
            client.errorKinds.forEach((kind, count) -> kinds.merge(kind, count, Long::sum));
        }
        return new LoadResult(workload.id(), server.name(), clients, window, latencies, errors, warmupErrors, kinds,
                bytes, connections, before.until(after));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long remaining;
        while ((remaining = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    /** One client: a connection and its own counters, read by the driver only after the thread has ended. */
    private static final class Client implements Runnable {
        private final ServerProcess server;
        private final byte[][] requests;
        private final long windowStart;
        private final long windowEnd;
        final Histogram latencies = new Histogram(MAX_TRACKED_NANOS, 3);
        final Map<String, Long> errorKinds = new TreeMap<>();
        long errors;
        long warmupErrors;
        long responseBytes;
        long connectionsInWindow;

        Client(ServerProcess server, byte[][] requests, long windowStart, long windowEnd) {
            this.server = server;
            this.requests = requests;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
        }

        @Override
        public void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long connectionsAtWindowStart = -1;
            try (HttpConnection connection = new HttpConnection(server.address())) {
                while (true) {
                    long started = System.nanoTime();
                    if (started >= windowEnd) {
                        break;
                    }
                    if (connectionsAtWindowStart < 0 && started >= windowStart) {
                        connectionsAtWindowStart = connection.connectionsOpened();
                    }
                    byte[] request = requests.length == 1 ? requests[0] : requests[random.nextInt(requests.length)];
                    String failure = null;
                    int bodyLength = 0;
                    try {
                        HttpConnection.Response response = connection.send(request);
                        bodyLength = response.bodyLength();
                        if (response.status() != 200) {
                            failure = "HTTP " + response.status();
                        }
                    } catch (IOException e) {
                        failure = e.getClass().getSimpleName();
                    }
                    long finished = System.nanoTime();
                    boolean inWindow = started >= windowStart && finished <= windowEnd;
                    if (failure != null) {
                        errorKinds.merge(failure, 1L, Long::sum);
                        if (inWindow) {
                            errors++;
                        } else if (started < windowStart) {
                            warmupErrors++;
                        }
                    } else if (inWindow) {
                        latencies.recordValue(Math.min(finished - started, MAX_TRACKED_NANOS));
                        responseBytes += bodyLength;
                    }
                }
                connectionsInWindow = connectionsAtWindowStart < 0 ? 0
                        : connection.connectionsOpened() - connectionsAtWindowStart;
            }
        }
    }
}
