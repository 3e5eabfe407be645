package dev.conveyor.cli;

import dev.conveyor.server.ConveyorServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Creates the demo pipeline through the server's own CodePipeline API, exactly as a client would, so the demo
 * exercises the same path as every user request.
 */
final class DemoPipeline {
    static final String NAME = "conveyor-demo";

    private DemoPipeline() {
    }

    static void ensure(ConveyorServer server) throws InterruptedException {
        String body;
        try (InputStream in = DemoPipeline.class.getResourceAsStream("/demo-pipeline.json")) {
            body = "{\"pipeline\":" + new String(in.readAllBytes(), StandardCharsets.UTF_8) + "}";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "CodePipeline_20150709.CreatePipeline")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                System.out.println("Created the demo pipeline '" + NAME + "'.");
            } else if (!response.body().contains("PipelineNameInUseException")) {
                throw new IllegalStateException("the demo pipeline was refused: " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
