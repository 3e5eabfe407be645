package dev.conveyor.cli.client;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * An execution's live event stream ({@code GET /conveyor/v1/events/pipelines/<name>/executions/<id>/stream},
 * Server-Sent Events, SigV4-signed), read on a thread of its own: {@link #await(Duration)} returns as soon as an event
 * arrives, so watchers react to changes instead of polling. A dropped stream reconnects with Last-Event-ID; a server
 * without streams leaves {@link #await} waiting the whole fallback interval, which is then a plain poll.
 */
final class ExecutionEvents implements AutoCloseable {
    private final HttpClient http;
    private final URI uri;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private long received;
    private long seen;
    private volatile String lastEventId;
    private volatile boolean closed;
    private final Thread reader;

    ExecutionEvents(HttpClient http, URI endpoint, AwsCredentialsProvider credentials, String region, String pipeline, String executionId) {
        this.http = http;
        this.uri = URI.create(endpoint + "/conveyor/v1/events/pipelines/" + enc(pipeline) + "/executions/" + enc(executionId) + "/stream");
        this.credentials = credentials;
        this.region = region;
        this.reader = Thread.ofVirtual().name("conveyor-event-stream").start(this::read);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Waits until an event arrived since the last call, or {@code max}; true when one did. */
    boolean await(Duration max) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + max.toNanos();
            while (received == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                arrived.await(left, TimeUnit.NANOSECONDS);
            }
            seen = received;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void read() {
        while (!closed) {
            try {
                HttpRequest.Builder request = SignedRequests.signed("GET", uri, credentials, region).header("Accept", "text/event-stream");
                if (lastEventId != null) {
                    request.header("Last-Event-ID", lastEventId);
                }
                HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    response.body().close();
                    Thread.sleep(5000);
                    continue;
                }
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while (!closed && (line = lines.readLine()) != null) {
                        if (line.startsWith("id:")) {
                            lastEventId = line.substring(3).strip();
                        } else if (line.startsWith("data:")) {
                            signal();
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException i) {
                    return;
                }
            }
        }
    }

    private void signal() {
        lock.lock();
        try {
            received++;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        reader.interrupt();
    }
}
