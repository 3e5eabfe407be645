package dev.conveyor.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A steady, bounded request load on a URL while a deployment runs: a few workers, each sending one request after
 * another, every answer recorded in order (the version served, or the failure). At most {@code maxRequests}.
 */
final class LoadLoop implements AutoCloseable {
    /** One request: when it ended, and the body (the version) or the failure. */
    record Sample(long nanos, String version, String failure) {
    }

    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile boolean stopped;

    static LoadLoop start(String url, int workers, int maxRequests) {
        LoadLoop loop = new LoadLoop();
        for (int w = 0; w < workers; w++) {
            loop.workers.add(Thread.ofPlatform().daemon().start(() -> {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
                while (!loop.stopped && loop.samples.size() < maxRequests) {
                    try {
                        HttpResponse<String> response = loop.http.send(request, HttpResponse.BodyHandlers.ofString());
                        loop.samples.add(response.statusCode() == 200
                                ? new Sample(System.nanoTime(), response.body().strip(), null)
                                : new Sample(System.nanoTime(), null, "HTTP " + response.statusCode() + ": " + response.body().strip()));
                    } catch (Exception e) {
                        loop.samples.add(new Sample(System.nanoTime(), null, e.toString()));
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        return loop;
    }

    /** The samples so far, in the order they ended. */
    List<Sample> samples() {
        List<Sample> copy = new ArrayList<>(samples);
        copy.sort(java.util.Comparator.comparingLong(Sample::nanos));
        return copy;
    }

    List<Sample> failures() {
        return samples().stream().filter(s -> s.failure() != null).toList();
    }

    int size() {
        return samples.size();
    }

    /** Stops the workers and returns every sample. */
    List<Sample> stop() throws InterruptedException {
        stopped = true;
        for (Thread t : workers) {
            t.join(15_000);
        }
        http.close();
        return samples();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
