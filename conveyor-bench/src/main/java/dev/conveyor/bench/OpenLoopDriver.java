package dev.conveyor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Open-loop load at a constant rate, as wrk2 drives it: request {@code i} is due at {@code start + i / rate}
 * whatever happened to the requests before it, and its latency runs from that intended time, not from when it
 * could be written. A closed loop (as {@link LoadDriver}) stops sending while the server stalls, so a 1 s stall
 * costs it one slow request per connection; here every request due during the stall waits and counts, which is
 * what users arriving at that rate would see ("coordinated omission" corrected).
 *
 * <p>One event-loop thread drives up to {@code connections} keep-alive connections, each with at most one request
 * outstanding (HTTP/1.1 without pipelining). A request that comes due while every connection is busy waits in a
 * queue for the first one free, its clock already running; more connections are not opened, so a server that
 * cannot keep up shows it as growing latency, not as a burst of new connections. Between due times the loop waits
 * in the selector when the next one is a millisecond or more away, and otherwise parks for at most
 * {@link #SPIN_PARK_NANOS} between non-blocking polls, so a request is written within about 0.1 ms of its due time
 * on an idle machine (the driver's own lateness is part of what it records, as it is in wrk2).
 *
 * <p>Also kept: the slowest requests with the wall-clock time they were due, to line them up with the server's
 * {@code -Xlog:safepoint} and JFR recording ({@code bin/bench --profile DIR}).
 */
final class OpenLoopDriver {
    private static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long SPIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** How many of the slowest requests are kept with their due time. */
    private static final int SLOWEST_KEPT = 10;
    /** A connection's due time when it has no request outstanding. */
    private static final long NONE = Long.MIN_VALUE;

    private final int connections;
    private final Duration warmup;
    private final Duration window;

    OpenLoopDriver(int connections, Duration warmup, Duration window) {
        this.connections = connections;
        this.warmup = warmup;
        this.window = window;
    }

    /** A slow request: when it was due (wall clock) and how long it took from then. */
    record Slow(Instant due, long nanos) {
    }

    /**
     * What the measured window saw: requests due in the window that completed (by the end of the drain after it),
     * with their latencies from their due times.
     */
    record Result(String workload, double offeredPerSecond, Duration window, Histogram latencies, long due,
                  long completed, long errors, Map<String, Long> errorKinds, long maxQueued, List<Slow> slowest,
                  CpuUsage cpu) {
        double percentileMillis(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1e6;
        }

        double maxMillis() {
            return latencies.getMaxValue() / 1e6;
        }

        double achievedPerSecond() {
            return completed / (window.toNanos() / 1e9);
        }
    }

    /** Offers {@code workload} to {@code server} at {@code perSecond} requests a second. */
    Result run(Workload workload, ServerProcess server, double perSecond) throws InterruptedException {
        return run(workload.id(), workload.requests(server.port()), server.address(), perSecond, () -> CpuUsage.Sample.take(server));
    }

    /**
     * Offers {@code requests} (each request picks one at random) to {@code address} at {@code perSecond} requests a
     * second; {@code cpu} reads the CPU counters at the window's start and end.
     */
    Result run(String workload, byte[][] requests, InetSocketAddress address, double perSecond,
               java.util.function.Supplier<CpuUsage.Sample> cpu) throws InterruptedException {
        long begin = System.nanoTime();
        long windowStart = begin + warmup.toNanos();
        long windowEnd = windowStart + window.toNanos();
        Loop loop = new Loop(address, requests, connections, perSecond, begin, windowStart, windowEnd);
        Thread thread = Thread.ofPlatform().name("bench-open-loop").start(loop);
        sleepUntil(windowStart);
        CpuUsage.Sample before = cpu.get();
        sleepUntil(windowEnd);
        CpuUsage.Sample after = cpu.get();
        thread.join();
        if (loop.failure != null) {
            throw new IllegalStateException("the open-loop driver failed", loop.failure);
        }
        long wallOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        List<Slow> slowest = loop.slowest.stream().sorted(Comparator.comparingLong((long[] s) -> s[1]).reversed())
                .map(s -> new Slow(Instant.ofEpochSecond(0, s[0] + wallOffset), s[1])).toList();
        return new Result(workload, perSecond, window, loop.latencies, loop.dueInWindow, loop.latencies.getTotalCount(),
                loop.errors, loop.errorKinds, loop.maxQueued, slowest, before.until(after));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long remaining;
        while ((remaining = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    private static final class Loop implements Runnable {
        private final InetSocketAddress address;
        private final byte[][] requests;
        private final int connectionCount;
        private final double intervalNanos;
        private final long begin;
        private final long windowStart;
        private final long windowEnd;
        /** Requests in the window may finish after it; they are waited for this long, then counted as errors. */
        private final long drainEnd;
        private final SplittableRandom random = new SplittableRandom(20);
        private final ArrayDeque<Conn> idle = new ArrayDeque<>();
        /** Due times of requests that came due while every connection was busy, oldest first. */
        private final ArrayDeque<Long> queued = new ArrayDeque<>();
        final Histogram latencies = new Histogram(MAX_TRACKED_NANOS, 3);
        final Map<String, Long> errorKinds = new TreeMap<>();
        /** Min-heap on latency of {due nanoTime, latency}: the slowest kept. */
        final PriorityQueue<long[]> slowest = new PriorityQueue<>(Comparator.comparingLong(s -> s[1]));
        long dueInWindow;
        long errors;
        long maxQueued;
        long sent;
        volatile Throwable failure;

        Loop(InetSocketAddress address, byte[][] requests, int connections, double perSecond, long begin,
             long windowStart, long windowEnd) {
            this.address = address;
            this.requests = requests;
            this.connectionCount = connections;
            this.intervalNanos = 1e9 / perSecond;
            this.begin = begin;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.drainEnd = windowEnd + TimeUnit.SECONDS.toNanos(10);
        }

        private long dueTime(long index) {
            return begin + (long) (index * intervalNanos);
        }

        @Override
        public void run() {
            List<Conn> all = new ArrayList<>();
            try (Selector selector = Selector.open()) {
                for (int i = 0; i < connectionCount; i++) {
                    Conn conn = new Conn();
                    conn.channel = SocketChannel.open(address); // blocking connect, then non-blocking use
                    conn.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    conn.channel.configureBlocking(false);
                    conn.key = conn.channel.register(selector, 0, conn);
                    all.add(conn);
                    idle.add(conn);
                }
                while (true) {
                    long now = System.nanoTime();
                    // Everything due by now is either sent on an idle connection or queued, its clock running.
                    long next;
                    while ((next = dueTime(sent)) <= now && next < windowEnd) {
                        queued.add(next);
                        sent++;
                        if (next >= windowStart) {
                            dueInWindow++;
                        }
                    }
                    maxQueued = Math.max(maxQueued, queued.size());
                    while (!queued.isEmpty() && !idle.isEmpty()) {
                        send(idle.poll(), queued.poll());
                    }
                    boolean scheduleOver = next >= windowEnd;
                    if (scheduleOver && (idle.size() == all.size() && queued.isEmpty() || now >= drainEnd)) {
                        break;
                    }
                    long wait = scheduleOver ? drainEnd - now : next - now;
                    if (wait >= TimeUnit.MILLISECONDS.toNanos(1)) {
                        selector.select(TimeUnit.NANOSECONDS.toMillis(wait));
                    } else if (selector.selectNow() == 0) {
                        LockSupport.parkNanos(Math.min(wait, SPIN_PARK_NANOS));
                        continue;
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        serve(selector, key);
                    }
                    selector.selectedKeys().clear();
                }
                for (Conn conn : all) {
                    if (conn.due != NONE) {
                        fail(conn, "not answered 10 s after the window");
                    }
                }
                for (Long due : queued) {
                    if (due >= windowStart) {
                        errors++;
                    }
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                for (Conn conn : all) {
                    conn.close();
                }
            }
        }

        private void send(Conn conn, long due) throws IOException {
            conn.due = due;
            conn.send(requests.length == 1 ? requests[0] : requests[random.nextInt(requests.length)]);
        }

        private void serve(Selector selector, SelectionKey key) throws IOException {
            Conn conn = (Conn) key.attachment();
            if (!key.isValid() || conn.channel != key.channel()) {
                return;
            }
            try {
                if (key.isWritable()) {
                    conn.write();
                } else if (key.isReadable()) {
                    read(conn);
                }
            } catch (IOException e) {
                fail(conn, e.getClass().getSimpleName());
                reconnect(selector, conn);
            }
        }

        private void read(Conn conn) throws IOException {
            if (conn.read() < 0) {
                if (conn.pending != null && conn.pending.delimitedByClose()) {
                    throw new IOException("the open-loop driver needs keep-alive responses with a length");
                }
                return;
            }
            long finished = System.nanoTime();
            ResponseFraming framing = conn.take();
            int status = framing.status();
            long due = conn.due;
            conn.due = NONE;
            if (status != 200) {
                count(due, "HTTP " + status);
            } else if (due >= windowStart) {
                long latency = Math.min(finished - due, MAX_TRACKED_NANOS);
                latencies.recordValue(latency);
                if (slowest.size() < SLOWEST_KEPT) {
                    slowest.add(new long[] {due, latency});
                } else if (slowest.peek()[1] < latency) {
                    slowest.poll();
                    slowest.add(new long[] {due, latency});
                }
            }
            if (!framing.keepAlive()) {
                throw new IOException("the server closed a keep-alive connection");
            }
            idle.add(conn);
        }

        private void fail(Conn conn, String kind) {
            count(conn.due, kind);
            conn.due = NONE;
            conn.reset();
        }

        private void count(long due, String kind) {
            errorKinds.merge(kind, 1L, Long::sum);
            if (due >= windowStart) {
                errors++;
            }
        }

        private void reconnect(Selector selector, Conn conn) throws IOException {
            conn.close();
            conn.reset();
            conn.channel = SocketChannel.open(address);
            conn.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            conn.channel.configureBlocking(false);
            conn.key = conn.channel.register(selector, 0, conn);
            idle.add(conn);
        }
    }

    private static final class Conn extends LoopConnection {
        /** When the outstanding request was due; {@link #NONE} when none is outstanding. */
        long due = NONE;
    }
}
