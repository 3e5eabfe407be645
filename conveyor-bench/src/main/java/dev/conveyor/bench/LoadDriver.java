package dev.conveyor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: {@code clients} connections, each sending its next request as soon as the previous response
 * has been read in full, for a warm-up and then a measured window. Only requests that both start and finish
 * inside the window count; their latencies (from the request's first byte written to its response's last byte
 * read) go into an HdrHistogram.
 *
 * <p>The clients are driven by one event loop (a {@link Selector} on one thread), as {@code wrk -t1 -c32} drives
 * its connections, not by a thread per client. Why: the driver shares 2 cores with the server it measures. With
 * 32 blocking client threads the kernel must schedule 32 extra runnable threads against the server's, and a client
 * whose response has arrived may wait a whole scheduler slice before it is allowed to notice: the client's own
 * wake-up delay, not the server, then dominated the tail (November 2026, 10,000 pipelines, GetPipeline: 32
 * threads measured p99 16–19 ms where wrk with one thread and 32 connections measured 3.7 ms against the same
 * server; wrk with two threads, 31 ms). One loop thread is either running or waiting in {@code epoll_wait}, and
 * it reads every response that is ready each time it wakes, so the latency it records is the server's plus one
 * loop iteration. It is still 32 concurrent clients: 32 connections, each with one request outstanding.
 */
final class LoadDriver {
    /** Largest latency the histograms track, with 3 significant digits. */
    private static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(120);
    /** Bounds a stuck server: no single response may take longer than this. */
    private static final long RESPONSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

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

        EventLoop loop = new EventLoop(server.address(), requests, clients, windowStart, windowEnd);
        Thread thread = Thread.ofPlatform().name("bench-event-loop").start(loop);
        sleepUntil(windowStart);
        CpuUsage.Sample before = CpuUsage.Sample.take(server);
        sleepUntil(windowEnd);
        CpuUsage.Sample after = CpuUsage.Sample.take(server);
        thread.join();
        if (loop.failure != null) {
            throw new IllegalStateException("the load driver's event loop failed", loop.failure);
        }

        long bytes = 0;
        long connections = 0;
        for (Client client : loop.clients) {
            bytes += client.responseBytes;
            connections += client.connectionsInWindow();
        }
        return new LoadResult(workload.id(), server.name(), clients, window, loop.latencies, loop.errors,
                loop.warmupErrors, loop.errorKinds, bytes, connections, before.until(after));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long remaining;
        while ((remaining = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    /** The loop: owns every client, the selector and the counters; read by the driver after the thread ends. */
    private static final class EventLoop implements Runnable {
        private final InetSocketAddress address;
        private final byte[][] requests;
        private final long windowStart;
        private final long windowEnd;
        private final SplittableRandom random = new SplittableRandom();
        final List<Client> clients = new ArrayList<>();
        final Histogram latencies = new Histogram(MAX_TRACKED_NANOS, 3);
        final Map<String, Long> errorKinds = new TreeMap<>();
        long errors;
        long warmupErrors;
        volatile Throwable failure;

        EventLoop(InetSocketAddress address, byte[][] requests, int clients, long windowStart, long windowEnd) {
            this.address = address;
            this.requests = requests;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            for (int i = 0; i < clients; i++) {
                this.clients.add(new Client());
            }
        }

        @Override
        public void run() {
            try (Selector selector = Selector.open()) {
                for (Client client : clients) {
                    connect(selector, client, false);
                }
                while (true) {
                    long now = System.nanoTime();
                    if (now >= windowEnd) {
                        break; // what is still in flight would end after the window and not count
                    }
                    for (Client client : clients) {
                        client.noteWindowStart(now, windowStart);
                        if (client.started > 0 && now - client.started > RESPONSE_TIMEOUT_NANOS) {
                            fail(client, "SocketTimeoutException", now);
                            connect(selector, client, false);
                        }
                    }
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(windowEnd - now)));
                    for (SelectionKey key : selector.selectedKeys()) {
                        serve(selector, key);
                    }
                    selector.selectedKeys().clear();
                }
                for (Client client : clients) {
                    client.close();
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        private void serve(Selector selector, SelectionKey key) throws IOException {
            Client client = (Client) key.attachment();
            if (!key.isValid() || client.channel != key.channel()) {
                return; // a key of a connection this client has already replaced
            }
            try {
                if (key.isConnectable()) {
                    client.channel.finishConnect();
                    send(client);
                } else if (key.isWritable()) {
                    client.write();
                } else if (key.isReadable()) {
                    read(selector, client);
                }
            } catch (IOException e) {
                fail(client, e.getClass().getSimpleName(), System.nanoTime());
                connect(selector, client, false);
            }
        }

        /**
         * Opens a new connection for {@code client}. When {@code forNextRequest} (the server closed the previous
         * one, as moto does after every response), the next request's latency starts now and includes the
         * connect; after an error it starts when the request is written.
         */
        private void connect(Selector selector, Client client, boolean forNextRequest) throws IOException {
            client.close();
            client.reconnected = forNextRequest;
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.channel = channel;
            client.connectionsOpened++;
            client.reset();
            client.started = System.nanoTime();
            if (channel.connect(address)) {
                client.key = channel.register(selector, 0, client);
                send(client);
            } else {
                client.key = channel.register(selector, SelectionKey.OP_CONNECT, client);
            }
        }

        /** Starts the client's next request, unless the window is over. */
        private void send(Client client) throws IOException {
            long now = System.nanoTime();
            if (now >= windowEnd) {
                client.key.interestOps(0);
                return;
            }
            if (!client.reconnected) {
                client.started = now;
            }
            client.reconnected = false;
            client.send(requests.length == 1 ? requests[0] : requests[random.nextInt(requests.length)]);
        }

        private void read(Selector selector, Client client) throws IOException {
            int bodyLength = client.read();
            if (bodyLength >= 0) {
                // A body delimited by the close has ended the connection.
                complete(selector, client, bodyLength, client.pending.keepAlive() && !client.pending.delimitedByClose());
            }
        }

        /** The response is whole: count it and start the next request, on a new connection if need be. */
        private void complete(Selector selector, Client client, int bodyLength, boolean keepAlive) throws IOException {
            long finished = System.nanoTime();
            int status = client.take().status();
            if (status != 200) {
                fail(client, "HTTP " + status, finished);
            } else if (client.started >= windowStart && finished <= windowEnd) {
                latencies.recordValue(Math.min(finished - client.started, MAX_TRACKED_NANOS));
                client.responseBytes += bodyLength;
            }
            client.started = 0;
            if (keepAlive) {
                send(client);
            } else {
                connect(selector, client, true);
            }
        }

        private void fail(Client client, String kind, long now) {
            errorKinds.merge(kind, 1L, Long::sum);
            if (client.started >= windowStart && now <= windowEnd) {
                errors++;
            } else if (client.started < windowStart) {
                warmupErrors++;
            }
            client.reset();
            client.started = 0;
        }
    }

    /** One client's connection, the request it has outstanding, and what it counted. */
    private static final class Client extends LoopConnection {
        /** When the outstanding request started (its connection's, if it needed a new one); 0 when none. */
        long started;
        /** The connection was opened for the next request, which therefore started when the connect did. */
        boolean reconnected;
        long responseBytes;
        long connectionsOpened;
        long connectionsAtWindowStart = -1;

        void noteWindowStart(long now, long windowStart) {
            if (connectionsAtWindowStart < 0 && now >= windowStart) {
                connectionsAtWindowStart = connectionsOpened;
            }
        }

        long connectionsInWindow() {
            return connectionsAtWindowStart < 0 ? 0 : connectionsOpened - connectionsAtWindowStart;
        }
    }
}
