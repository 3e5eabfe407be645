package dev.conveyor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The open-loop driver against a small HTTP server that stalls once: it must offer exactly the scheduled number of
 * requests, and charge every request due during the stall with its wait (the correction of coordinated omission),
 * not only the one request that was in flight. The assertions are lower bounds on latency, which a slow or busy
 * machine only makes larger.
 */
class OpenLoopDriverTest {
    private static final int STALLED_REQUEST = 20;
    private static final long STALL_MILLIS = 300;

    private HttpServer server;
    private final AtomicInteger served = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (served.incrementAndGet() == STALLED_REQUEST) {
                try {
                    Thread.sleep(STALL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "{\"pipeline\":{}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void requestsDueDuringAStallAreChargedWithTheirWait() throws InterruptedException {
        InetSocketAddress address = server.getAddress();
        byte[][] requests = {AwsJsonRequest.of(address.getPort(), "GetPipeline", "{\"name\":\"p\"}")};
        // One connection, 200 requests a second for one second, no warm-up: requests 0..199 are due in the window.
        OpenLoopDriver driver = new OpenLoopDriver(1, Duration.ZERO, Duration.ofSeconds(1));
        OpenLoopDriver.Result result = driver.run("GetPipeline", requests, address, 200,
                () -> new CpuUsage.Sample(System.nanoTime(), 0, 0, 0));

        assertThat(result.due()).isEqualTo(200);
        assertThat(result.completed()).isEqualTo(200);
        assertThat(result.errors()).isZero();
        // The stalled request itself waited 300 ms; the ~60 due during the stall waited from their due time until
        // the connection was free again: those due in its first half waited at least 150 ms each. A closed loop
        // would have recorded one slow request and simply not sent the others.
        assertThat(result.latencies().getMaxValue()).isGreaterThanOrEqualTo(Duration.ofMillis(STALL_MILLIS).toNanos());
        long waitedHalfTheStall = result.latencies().getCountBetweenValues(Duration.ofMillis(STALL_MILLIS / 2).toNanos(),
                result.latencies().getMaxValue());
        assertThat(waitedHalfTheStall).isGreaterThanOrEqualTo(25);
        assertThat(result.slowest()).hasSize(10);
        assertThat(result.slowest().getFirst().nanos()).isEqualTo(result.slowest().stream()
                .mapToLong(OpenLoopDriver.Slow::nanos).max().orElseThrow());
    }
}
