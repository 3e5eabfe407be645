package dev.conveyor.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.json.ConveyorJson;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls Conveyor's agent API ({@code ConveyorAgent_20251125}, AWS JSON 1.1) on a server. Errors of the API come
 * back as {@link ApiError} with the error type; an unreachable server as {@link IOException}.
 */
final class AgentApiClient implements AutoCloseable {
    static final String TARGET_PREFIX = "ConveyorAgent_20251125";

    /** An error answered by the server. */
    static final class ApiError extends RuntimeException {
        final String type;

        ApiError(String type, String message) {
            super(type + ": " + message);
            this.type = type;
        }
    }

    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final URI endpoint;
    private final HttpClient http;
    private final RequestSigner signer;

    AgentApiClient(URI endpoint) {
        this(endpoint, CaBundle.system(), RequestSigner.standard("us-east-1"));
    }

    AgentApiClient(URI endpoint, CaBundle trust, RequestSigner signer) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust.sslContext()).build();
        this.signer = signer;
    }

    URI endpoint() {
        return endpoint;
    }

    ObjectNode object() {
        return mapper.createObjectNode();
    }

    JsonNode call(String operation, JsonNode input, Duration timeout) throws IOException, InterruptedException {
        byte[] payload = mapper.writeValueAsBytes(input);
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint.resolve("/"))
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        signer.sign("POST", endpoint.resolve("/"), java.util.Map.of("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", TARGET_PREFIX + "." + operation), payload, "conveyor").forEach(builder::header);
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new IOException("cannot reach the server at " + endpoint + ": " + e.getMessage(), e);
        }
        JsonNode body = response.body().length == 0 ? mapper.createObjectNode() : mapper.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new ApiError(body.path("__type").asText("HTTP " + response.statusCode()), body.path("message").asText(""));
        }
        return body;
    }

    @Override
    public void close() {
        http.close();
    }
}
