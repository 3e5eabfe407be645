package dev.conveyor.cli.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The server's action-log endpoint ({@code GET /conveyor/v1/logs/<actionExecutionId>?offset=N}), a Conveyor
 * extension: CodePipeline keeps logs in CloudWatch, which the SDK's CodePipeline client does not reach.
 */
public final class ActionLogs implements AutoCloseable {
    private static final String PATH = "/conveyor/v1/logs/";

    /**
     * Bytes of a log from some offset.
     *
     * @param bytes      the bytes (possibly none, possibly ending in the middle of a line)
     * @param nextOffset where to ask from next time
     * @param complete   true once the action settled and everything was sent: nothing more will come
     */
    public record Chunk(byte[] bytes, long nextOffset, boolean complete) {
    }

    private final URI endpoint;
    private final HttpClient http;
    private final dev.conveyor.agent.RequestSigner signer;

    /** @param signer signs each read (service {@code logs}): the log endpoint refuses unsigned requests */
    ActionLogs(URI endpoint, HttpClient http, dev.conveyor.agent.RequestSigner signer) {
        this.endpoint = endpoint;
        this.http = http;
        this.signer = signer;
    }

    public Chunk read(String actionExecutionId, long offset) throws InterruptedException {
        URI uri = URI.create(endpoint + PATH + URLEncoder.encode(actionExecutionId, StandardCharsets.UTF_8) + "?offset=" + offset);
        HttpResponse<byte[]> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(1)).GET();
            signer.sign("GET", uri, java.util.Map.of(), new byte[0], "logs").forEach(request::header);
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ActionLogException(e);
        }
        if (response.statusCode() != 200) {
            throw new CommandFailure("the server has no log for action execution " + actionExecutionId + " (HTTP "
                    + response.statusCode() + " from " + uri + ")");
        }
        long next = response.headers().firstValueAsLong("X-Conveyor-Log-Offset").orElse(offset + response.body().length);
        boolean complete = response.headers().firstValue("X-Conveyor-Log-Complete").map(Boolean::parseBoolean).orElse(false);
        return new Chunk(response.body(), next, complete);
    }

    @Override
    public void close() {
        http.close();
    }

    /** An I/O failure talking to the log endpoint; {@link FailurePrinter} names the endpoint. */
    static final class ActionLogException extends RuntimeException {
        ActionLogException(IOException cause) {
            super("cannot read an action log: " + cause, cause);
        }
    }
}
