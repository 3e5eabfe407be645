package dev.conveyor.artifacts.object;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The S3 system metadata an object is written with besides its Content-Type, returned as response headers when it is
 * read: each value exactly as the client sent it, or null when it sent none. {@code Expires} is kept as sent (S3 keeps
 * an unparseable one too, and SDKs read it as a string).
 */
public record SystemMetadata(String cacheControl, String contentDisposition, String contentEncoding, String contentLanguage,
                             String expires) {
    public static final SystemMetadata NONE = new SystemMetadata(null, null, null, null, null);

    /** The HTTP headers that carry system metadata, in the order they are listed. */
    public static final List<String> HEADERS = List.of("Cache-Control", "Content-Disposition", "Content-Encoding",
            "Content-Language", "Expires");

    public boolean isEmpty() {
        return cacheControl == null && contentDisposition == null && contentEncoding == null && contentLanguage == null
                && expires == null;
    }

    /** The value of one of {@link #HEADERS} (any case), or null. */
    public String get(String header) {
        return switch (header.toLowerCase(Locale.ROOT)) {
            case "cache-control" -> cacheControl;
            case "content-disposition" -> contentDisposition;
            case "content-encoding" -> contentEncoding;
            case "content-language" -> contentLanguage;
            case "expires" -> expires;
            default -> throw new IllegalArgumentException("not S3 system metadata: " + header);
        };
    }

    /** The headers that are set, by their names in {@link #HEADERS}. */
    public Map<String, String> toHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : HEADERS) {
            String value = get(header);
            if (value != null) {
                headers.put(header, value);
            }
        }
        return headers;
    }

    /** System metadata from headers by name (any case); other names are ignored. */
    public static SystemMetadata fromHeaders(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return NONE;
        }
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return new SystemMetadata(lower.get("cache-control"), lower.get("content-disposition"), lower.get("content-encoding"),
                lower.get("content-language"), lower.get("expires"));
    }

    public SystemMetadata withCacheControl(String value) {
        return new SystemMetadata(value, contentDisposition, contentEncoding, contentLanguage, expires);
    }
}
