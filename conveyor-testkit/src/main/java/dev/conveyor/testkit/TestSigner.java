package dev.conveyor.testkit;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SigV4 for tests that speak HTTP themselves (raw requests to S3, the log endpoints, malformed bodies): the headers
 * to add so the request is signed with {@link TestCredentials} (or any key), and presigned URLs. Written from the
 * SigV4 specification, independently of the server's verifier, so that a test signing with it checks the server.
 * S3 requests are signed with {@code x-amz-content-sha256} and their path as sent; other services with the path
 * encoded once more, as the AWS SDKs do.
 */
public final class TestSigner {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String region;

    public TestSigner(String accessKeyId, String secretAccessKey, String region) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.region = region;
    }

    /** Signs with the test administrator's key, for us-east-1. */
    public static TestSigner admin() {
        return new TestSigner(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY, "us-east-1");
    }

    /**
     * A JDK HTTP request of {@code method} to {@code uri} with {@code headers} and {@code body}, signed with the test
     * administrator's key for {@code service} ({@code s3}, {@code codepipeline}, {@code logs}…).
     */
    public static java.net.http.HttpRequest.Builder request(String method, URI uri, Map<String, String> headers, byte[] body,
                                                            String service) {
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(uri).method(method,
                body == null || body.length == 0 ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(builder::header);
        admin().sign(method, uri, headers, body, service).forEach(builder::header);
        return builder;
    }

    /** An AWS JSON request ({@code X-Amz-Target: target}) with {@code body}, signed with the test administrator's key. */
    public static java.net.http.HttpRequest.Builder json(URI uri, String target, String body) {
        return request("POST", uri, Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", target),
                body.getBytes(StandardCharsets.UTF_8), "codepipeline");
    }

    /** The headers to add to a request of {@code method} to {@code uri} with {@code headers} and {@code body}, signed now. */
    public Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body, String service) {
        return sign(method, uri, headers, body, service, Instant.now());
    }

    /** As {@link #sign(String, URI, Map, byte[], String)}, signed as at {@code at}. */
    public Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body, String service, Instant at) {
        String amzDate = AMZ_DATE.format(at);
        String date = amzDate.substring(0, 8);
        TreeMap<String, String> signed = new TreeMap<>();
        headers.forEach((k, v) -> signed.put(k.toLowerCase(Locale.ROOT), v.trim()));
        // A declared payload (UNSIGNED-PAYLOAD, STREAMING-…) is what is signed; else the body's hash.
        String payloadHash = signed.containsKey("x-amz-content-sha256") ? signed.get("x-amz-content-sha256")
                : hex(sha256(body == null ? new byte[0] : body));
        signed.put("host", host(uri));
        signed.put("x-amz-date", amzDate);
        if ("s3".equals(service)) {
            signed.put("x-amz-content-sha256", payloadHash);
        }
        String signedHeaders = String.join(";", signed.keySet());
        StringBuilder canonical = new StringBuilder();
        canonical.append(method).append('\n').append(canonicalPath(uri, service)).append('\n').append(canonicalQuery(uri.getRawQuery()))
                .append('\n');
        signed.forEach((k, v) -> canonical.append(k).append(':').append(v).append('\n'));
        canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String signature = signature(amzDate, scope, date, service, canonical.toString());
        Map<String, String> out = new LinkedHashMap<>();
        out.put("X-Amz-Date", amzDate);
        if ("s3".equals(service) && headers.keySet().stream().noneMatch("x-amz-content-sha256"::equalsIgnoreCase)) {
            out.put("x-amz-content-sha256", payloadHash);
        }
        out.put("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature);
        return out;
    }

    /** A presigned S3 URL for {@code method} on {@code uri}, valid {@code expiresSeconds} from {@code at}. */
    public URI presign(String method, URI uri, long expiresSeconds, Instant at) {
        String amzDate = AMZ_DATE.format(at);
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/s3/aws4_request";
        String query = (uri.getRawQuery() == null ? "" : uri.getRawQuery() + "&") + "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=" + encode(accessKeyId + "/" + scope) + "&X-Amz-Date=" + amzDate + "&X-Amz-Expires=" + expiresSeconds
                + "&X-Amz-SignedHeaders=host";
        String canonical = method + "\n" + canonicalPath(uri, "s3") + "\n" + canonicalQuery(query) + "\nhost:" + host(uri) + "\n\nhost\n"
                + "UNSIGNED-PAYLOAD";
        String signature = signature(amzDate, scope, date, "s3", canonical);
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "?" + query + "&X-Amz-Signature=" + signature);
    }

    private String signature(String amzDate, String scope, String date, String service, String canonical) {
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    private static String host(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port < 0 || ("http".equals(uri.getScheme()) && port == 80) || ("https".equals(uri.getScheme()) && port == 443);
        return uri.getHost() + (defaultPort ? "" : ":" + port);
    }

    private static String canonicalPath(URI uri, String service) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if ("s3".equals(service)) {
            return path;
        }
        StringBuilder out = new StringBuilder();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encode(segments[i]));
        }
        return out.toString();
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode((eq < 0 ? pair : pair.substring(0, eq)).replace("+", "%2B"), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
            pairs.add(new String[] {encode(k), encode(v)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder q = new StringBuilder();
        for (String[] p : pairs) {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(p[0]).append('=').append(p[1]);
        }
        return q.toString();
    }

    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
