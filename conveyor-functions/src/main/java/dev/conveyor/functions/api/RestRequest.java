package dev.conveyor.functions.api;

import java.util.Locale;
import java.util.Map;

/**
 * A Lambda API request as the server received it: method, path (still percent-encoded), query parameters (decoded),
 * headers by lower-case name, body, and the base URL the client reached the server at (for download locations).
 */
public record RestRequest(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body,
                          String baseUrl) {
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
