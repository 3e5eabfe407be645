package dev.conveyor.functions.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The Lambda Runtime API ({@code /2018-06-01/runtime/...}) for one instance, on a loopback port of its own: the
 * official runtime interface clients use fixed paths, so an instance is told apart by its port
 * ({@code AWS_LAMBDA_RUNTIME_API=127.0.0.1:<port>}). The JDK's small HTTP server is enough for one client on loopback.
 */
final class RuntimeApiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/2018-06-01/runtime/";
    /** Lambda's limit for a synchronous response payload. */
    static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

    /** What the instance does with the runtime's calls. */
    interface Runtime {
        /** Blocks until there is an invocation for the runtime; null when the instance is stopping. */
        Invocation next() throws InterruptedException;

        /** The runtime answered {@code requestId}; false if that is not the invocation in progress. */
        boolean respond(String requestId, byte[] body, boolean error);

        /** The runtime could not initialise. */
        void initError(byte[] body);
    }

    private final HttpServer server;
    private final String functionArn;
    private final Runtime runtime;

    RuntimeApiServer(String functionArn, Runtime runtime) throws IOException {
        this.functionArn = functionArn;
        this.runtime = runtime;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // /next blocks while the instance is idle
        server.createContext(PREFIX, this::serve);
        server.start();
    }

    /** The value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            if ("GET".equals(method) && "invocation/next".equals(path)) {
                next(exchange);
            } else if ("POST".equals(method) && "init/error".equals(path)) {
                runtime.initError(read(exchange));
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else if ("POST".equals(method) && path.startsWith("invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
                boolean error = path.endsWith("/error");
                String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
                byte[] body = read(exchange);
                if (body.length > MAX_RESPONSE_BYTES) {
                    runtime.respond(requestId, errorDocument("Response payload size exceeded maximum allowed payload size ("
                            + MAX_RESPONSE_BYTES + " bytes).", "Function.ResponseSizeTooLarge"), true);
                    reply(exchange, 413, "{\"errorMessage\":\"Payload too large\",\"errorType\":\"RequestEntityTooLarge\"}");
                } else if (runtime.respond(requestId, body, error)) {
                    reply(exchange, 202, "{\"status\":\"OK\"}");
                } else {
                    reply(exchange, 400, "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
                }
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"Unknown runtime API path\",\"errorType\":\"NotFound\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation;
        try {
            invocation = runtime.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            invocation = null;
        }
        if (invocation == null) {
            reply(exchange, 500, "{\"errorMessage\":\"The instance is stopping\",\"errorType\":\"ServiceException\"}");
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineEpochMillis()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + invocation.requestId().replace("-", "").substring(0, 24) + ";Sampled=0");
        headers.set("Content-Type", "application/json");
        byte[] payload = invocation.payload();
        exchange.sendResponseHeaders(200, payload.length == 0 ? -1 : payload.length);
        exchange.getResponseBody().write(payload);
    }

    /** A Lambda error document, {@code {"errorMessage": …, "errorType": …}}. */
    static byte[] errorDocument(String message, String type) {
        ObjectNode document = JSON.createObjectNode().put("errorMessage", message).put("errorType", type);
        try {
            return JSON.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readNBytes(MAX_RESPONSE_BYTES + 1);
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
