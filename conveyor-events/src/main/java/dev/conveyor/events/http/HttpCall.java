package dev.conveyor.events.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP request as the module's endpoints see it (the server adapts its servlet requests to it). */
public record HttpCall(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body,
                       String baseUrl) {
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A header by case-insensitive name, or null. */
    public String header(String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
