package dev.conveyor.bench;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what Conveyor's embedded database file holds from the server's own {@code /metrics}: its chunks (whose
 * metadata H2 keeps in the heap and reads at a start), its size and the share of its chunks' bytes still live. Logged
 * beside the heap, so that a heap or start figure can be read against the file it was measured on.
 */
final class EmbeddedFileProbe {
    private EmbeddedFileProbe() {
    }

    /** E.g. {@code "embedded file 312 chunks, 41 MiB, 63 % of the chunks' bytes live"}; why not, when unreadable. */
    static String describe(ServerProcess server) {
        try (HttpConnection connection = new HttpConnection(server.address())) {
            HttpConnection.Response response = connection.send(AwsJsonRequest.get(server.port(), "/metrics"));
            if (response.status() != 200) {
                return "embedded file: /metrics answered " + response.status();
            }
            String metrics = connection.lastBody();
            return String.format(Locale.ROOT, "embedded file %,.0f chunks, %,.0f MiB, %.0f %% of the chunks' bytes live",
                    gauge(metrics, "conveyor_database_embedded_chunks"),
                    gauge(metrics, "conveyor_database_embedded_file_size_bytes") / (1 << 20),
                    gauge(metrics, "conveyor_database_embedded_chunks_fill_percent"));
        } catch (IOException | IllegalStateException e) {
            return "embedded file: not read (" + e.getMessage() + ")";
        }
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        if (!m.find()) {
            throw new IllegalStateException(name + " is not among the server's metrics");
        }
        return Double.parseDouble(m.group(1));
    }
}
