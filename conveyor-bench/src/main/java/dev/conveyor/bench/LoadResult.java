package dev.conveyor.bench;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one workload measured against one server during the measured window (warm-up excluded).
 *
 * @param workload          the workload's id
 * @param server            "Conveyor" or "moto"
 * @param clients           concurrent clients
 * @param window            length of the measured window
 * @param latencies         latency of each successful request completed in the window, in nanoseconds
 * @param errors            failed requests in the window (non-200 status or I/O error)
 * @param warmupErrors      failed requests during the warm-up
 * @param errorKinds        how many of each kind of failure (e.g. {@code HTTP 500}), warm-up included
 * @param responseBytes     body bytes of the successful requests in the window
 * @param connectionsOpened TCP connections opened in the window (0 when keep-alive holds; about one per request
 *                          when the server closes every connection)
 * @param cpu               where the CPU went during the window
 */
record LoadResult(String workload, String server, int clients, Duration window, Histogram latencies, long errors,
                  long warmupErrors, Map<String, Long> errorKinds, long responseBytes, long connectionsOpened,
                  CpuUsage cpu) {

    long requests() {
        return latencies.getTotalCount();
    }

    double requestsPerSecond() {
        return requests() / (window.toNanos() / 1e9);
    }

    double percentileMillis(double percentile) {
        return latencies.getValueAtPercentile(percentile) / 1e6;
    }

    double meanMillis() {
        return latencies.getMean() / 1e6;
    }

    double maxMillis() {
        return latencies.getMaxValue() / 1e6;
    }

    long meanResponseBytes() {
        return requests() == 0 ? 0 : responseBytes / requests();
    }

    boolean hasErrors() {
        return errors + warmupErrors > 0;
    }
}
