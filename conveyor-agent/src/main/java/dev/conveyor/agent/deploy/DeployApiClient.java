package dev.conveyor.agent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.agent.CaBundle;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the server's CodeDeploy and host-command APIs (AWS JSON 1.1) and downloads revision bundles. */
final class DeployApiClient implements AutoCloseable {
    static final String CODEDEPLOY = "CodeDeploy_20141006";
    static final String COMMANDS = "ConveyorDeployCommands_20261206";

    /** An error the server answered, with its type. */
    static final class ApiError extends RuntimeException {
        final String type;

        ApiError(String type, String message) {
            super(type + ": " + message);
            this.type = type;
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final URI endpoint;
    private final HttpClient http;
    private final dev.conveyor.agent.RequestSigner signer;

    DeployApiClient(URI endpoint, CaBundle trust, dev.conveyor.agent.RequestSigner signer) {
        this.endpoint = endpoint;
        this.signer = signer;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust.sslContext()).build();
    }

    ObjectMapper mapper() {
        return mapper;
    }

    JsonNode call(String prefix, String operation, JsonNode input) throws IOException, InterruptedException {
        byte[] body = mapper.writeValueAsBytes(input);
        java.util.Map<String, String> headers = java.util.Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target",
                prefix + "." + operation);
        URI uri = endpoint.resolve("/");
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signer.sign("POST", uri, headers, body, CODEDEPLOY.equals(prefix) ? "codedeploy" : "codedeploy-commands").forEach(builder::header);
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode answer = response.body().length == 0 ? mapper.createObjectNode() : mapper.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new ApiError(answer.path("__type").asText("HTTP " + response.statusCode()), answer.path("message").asText(""));
        }
        return answer;
    }

    InputStream download(String path) throws IOException, InterruptedException {
        URI uri = endpoint.resolve(path);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET();
        signer.sign("GET", uri, java.util.Map.of(), new byte[0], "codedeploy-commands").forEach(builder::header);
        HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("the bundle download " + path + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    @Override
    public void close() {
        http.close();
    }
}
