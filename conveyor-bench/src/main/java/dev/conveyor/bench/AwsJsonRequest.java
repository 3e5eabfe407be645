package dev.conveyor.bench;

import java.nio.charset.StandardCharsets;

/**
 * Serializes CodePipeline calls (AWS JSON 1.1) to the exact bytes sent on the wire, so both servers receive the
 * same request: same headers in the same order, same body; only the port in {@code Host} differs.
 *
 * <p>The {@code Authorization} header has the shape of a real SigV4 header with a dummy signature: Conveyor
 * accepts any signature, and moto reads the region and service from the credential scope but does not check the
 * signature. Sending it keeps the request realistic (a real SDK always signs) and the same for both.
 */
final class AwsJsonRequest {
    static final String TARGET_PREFIX = "CodePipeline_20150709.";
    static final String REGION = "us-east-1";
    /** moto's default account; Conveyor is started with the same one so that ARNs match. */
    static final String ACCOUNT_ID = "123456789012";

    private static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/" + REGION
            + "/codepipeline/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="
            + "0".repeat(64);

    private AwsJsonRequest() {
    }

    /** The complete HTTP/1.1 request for {@code operation} with the JSON {@code body}, addressed to {@code port}. */
    static byte[] of(int port, String operation, String body) {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST / HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "User-Agent: conveyor-bench/0.1\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Content-Type: application/x-amz-json-1.1\r\n"
                + "X-Amz-Target: " + TARGET_PREFIX + operation + "\r\n"
                + "X-Amz-Date: 20250101T000000Z\r\n"
                + "Authorization: " + AUTHORIZATION + "\r\n"
                + "Content-Length: " + payload.length + "\r\n"
                + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[headBytes.length + payload.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(payload, 0, request, headBytes.length, payload.length);
        return request;
    }

    /** A plain {@code GET path} (health checks), same conventions. */
    static byte[] get(int port, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: conveyor-bench/0.1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }
}
