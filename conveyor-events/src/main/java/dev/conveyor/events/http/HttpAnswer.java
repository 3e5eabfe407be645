package dev.conveyor.events.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What an endpoint answers. */
public record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static HttpAnswer of(int status, String contentType, String body) {
        return new HttpAnswer(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static HttpAnswer json(int status, String body) {
        return of(status, "application/json", body);
    }

    public static HttpAnswer xml(int status, String body) {
        return of(status, "text/xml;charset=UTF-8", body);
    }
}
