package dev.conveyor.bench;

import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestSigner;
import java.nio.charset.StandardCharsets;

/**
 * Serializes CodePipeline calls (AWS JSON 1.1) to the exact bytes sent on the wire, so both servers receive the
 * same request: same headers in the same order, same body; only the port in {@code Host} differs.
 *
 * <p>The {@code Authorization} header is a real SigV4 signature by the benchmark's key ({@link TestCredentials}, the
 * administrator Conveyor is started with), made when the request is serialized and good for the 15 minutes a
 * signature lives: Conveyor verifies it (and its policies) on every request, as it does by default since issue 14;
 * moto reads the region and service from the credential scope but does not check the signature.
 */
final class AwsJsonRequest {
    static final String TARGET_PREFIX = "CodePipeline_20150709.";
    static final String REGION = "us-east-1";
    /** moto's default account; Conveyor is started with the same one so that ARNs match. */
    static final String ACCOUNT_ID = "123456789012";


    private AwsJsonRequest() {
    }

    /** The complete HTTP/1.1 request for {@code operation} with the JSON {@code body}, addressed to {@code port}. */
    static byte[] of(int port, String operation, String body) {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        java.util.Map<String, String> signature = new TestSigner(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY, REGION)
                .sign("POST", java.net.URI.create("http://127.0.0.1:" + port + "/"), java.util.Map.of("Content-Type",
                        "application/x-amz-json-1.1", "X-Amz-Target", TARGET_PREFIX + operation), payload, "codepipeline");
        String head = "POST / HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "User-Agent: conveyor-bench/0.1\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Content-Type: application/x-amz-json-1.1\r\n"
                + "X-Amz-Target: " + TARGET_PREFIX + operation + "\r\n"
                + "X-Amz-Date: " + signature.get("X-Amz-Date") + "\r\n"
                + "Authorization: " + signature.get("Authorization") + "\r\n"
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
