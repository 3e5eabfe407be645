package dev.conveyor.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.InternalFailure;
import dev.conveyor.model.errors.SerializationException;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.errors.ServiceUnavailable;
import dev.conveyor.model.errors.UnknownOperationException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.model.validation.Violations;
import dev.conveyor.store.StorageFaults;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS JSON 1.1 protocol: {@code POST} with {@code X-Amz-Target: <prefix>.<Operation>}, a JSON body, a JSON
 * answer. Client errors are HTTP 400 with {@code {"__type", "message"}} and the {@code x-amzn-ErrorType} header;
 * only faults of the server are 5xx. This is the one place service exceptions become responses.
 */
public final class AwsJsonProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(AwsJsonProtocol.class);
    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** How much of a refused request's unread body is read so that its connection can serve the next request. */
    private static final long UNREAD_BODY_LIMIT = 64 * 1024;

    /**
     * ConveyorJson's mapper with buffers recycled across requests. Jackson's default pool keeps a thread's buffers in a
     * ThreadLocal; while requests ran on virtual threads, one per request, every answer allocated a fresh 8 KB output
     * buffer and 4 KB of char buffers (a third of what GetPipelineState allocated, issue 20). The shared pool lends them.
     */
    private final ObjectMapper mapper = JsonBuffers.recycled(ConveyorJson.mapper());
    /** Bodies are read within size, depth, token and heap limits (issue 13). */
    private final JsonBodyReader bodies = new JsonBodyReader();
    private final Map<String, JsonService> servicesByPrefix;
    private final CallObserver observer;
    private final RequestGate gate;

    public AwsJsonProtocol(Map<String, JsonService> servicesByPrefix) {
        this(servicesByPrefix, CallObserver.NONE);
    }

    /** With an observer told of every call once it is answered (the audit trail). */
    public AwsJsonProtocol(Map<String, JsonService> servicesByPrefix, CallObserver observer) {
        this(servicesByPrefix, observer, RequestGate.OPEN);
    }

    /** With the gate (authentication and authorization) every request passes before its operation runs. */
    public AwsJsonProtocol(Map<String, JsonService> servicesByPrefix, CallObserver observer, RequestGate gate) {
        this.servicesByPrefix = Map.copyOf(servicesByPrefix);
        this.observer = observer;
        this.gate = gate;
    }

    /** Handles one request whose X-Amz-Target header is {@code target}. */
    public void handle(String target, HttpServletRequest request, HttpServletResponse response, RequestContext received)
            throws IOException {
        RequestContext context = received;
        response.setHeader("x-amzn-RequestId", context.requestId());
        String operationName = "?";
        JsonService service = null;
        JsonNode input = null;
        ServiceException error = null;
        try {
            int dot = target.lastIndexOf('.');
            service = dot < 0 ? null : servicesByPrefix.get(target.substring(0, dot));
            if (service == null) {
                throw new UnknownOperationException("Unknown target '" + target + "'");
            }
            operationName = target.substring(dot + 1);
            ServiceModel.Operation operation = service.model().operation(operationName)
                    .orElseThrow(() -> new UnknownOperationException("Unknown operation " + target));
            JsonOperation handler = Optional.ofNullable(service.operations().get(operation.name()))
                    .orElseThrow(() -> new UnknownOperationException("Operation " + operation.name() + " is not supported by this server yet"));
            if (!"POST".equals(request.getMethod())) {
                throw new SerializationException("AWS JSON requests must use POST, not " + request.getMethod());
            }
            RequestContext[] authenticated = {context};
            input = bodies.read(request, body -> authenticated[0] = new RequestContext(received.requestId(),
                    gate.authenticate(request, body), received.receivedAt()));
            context = authenticated[0];
            Violations.throwIfAny(service.validator().validateInput(operation, input));
            service.normalizer().normalizeInput(operation, input);
            gate.authorize(service.model().signingName(), operation.name(), input, context, request);
            JsonNode output = handler.handle(input, context);
            if (output instanceof RenderedJson rendered) {
                write(response, 200, rendered.utf8());
            } else {
                write(response, 200, output == null ? mapper.createObjectNode() : output);
            }
        } catch (ServiceException e) {
            error = e;
            settleBody(request, response);
            writeError(response, e);
        } catch (RuntimeException e) {
            settleBody(request, response);
            if (StorageFaults.isUnavailable(e)) {
                // A full disk or an unreachable database: nothing was done, and a retry may well succeed.
                LOG.warn("request {} ({}) failed on unavailable storage: {}", context.requestId(), operationName, e.toString());
                writeError(response, new ServiceUnavailable("The service is temporarily unable to store or read data; retry the request later"));
                return;
            }
            LOG.error("request {} ({}) failed", context.requestId(), operationName, e);
            error = new InternalFailure("The server failed to process request " + context.requestId());
            writeError(response, error);
        } finally {
            observer.completed(service, operationName, input, error, request, context);
        }
    }

    private void write(HttpServletResponse response, int status, JsonNode body) throws IOException {
        write(response, status, mapper.writeValueAsBytes(body));
    }

    private static void write(HttpServletResponse response, int status, byte[] bytes) throws IOException {
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setContentLength(bytes.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(bytes);
        }
    }

    /** Answers a request refused before it reached its service (e.g. a malformed signature), and tells the observer. */
    public void refuse(String target, ServiceException e, HttpServletRequest request, HttpServletResponse response, RequestContext context)
            throws IOException {
        settleBody(request, response);
        writeError(response, e);
        int dot = target.lastIndexOf('.');
        observer.completed(dot < 0 ? null : servicesByPrefix.get(target.substring(0, dot)), dot < 0 ? target : target.substring(dot + 1),
                null, e, request, context);
    }

    /**
     * Reads what is left of a refused request's body before the error is answered. A request refused before its body
     * was read (an unknown operation, a refused signature) would otherwise be answered while its body may still be on
     * the way: Jetty then closes the connection after the answer, without saying so, and a client that sends its next
     * request on the same connection gets nothing back (seen as "header parser received no bytes" in the fuzz tests).
     * A body larger than {@link #UNREAD_BODY_LIMIT} is not read: the answer says {@code Connection: close} instead.
     */
    private static void settleBody(HttpServletRequest request, HttpServletResponse response) {
        if (request == null || response.isCommitted()) {
            return;
        }
        try {
            InputStream in = request.getInputStream();
            byte[] buffer = new byte[8192];
            long left = UNREAD_BODY_LIMIT;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    return;
                }
                left -= n;
            }
            response.setHeader("Connection", "close");
        } catch (IOException | IllegalStateException e) {
            response.setHeader("Connection", "close");
        }
    }

    /** Writes a service exception as the AWS JSON error document. */
    public void writeError(HttpServletResponse response, ServiceException e) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        body.put("__type", e.errorType());
        body.put("message", e.getMessage());
        response.setHeader("x-amzn-ErrorType", e.errorType());
        if (e instanceof dev.conveyor.model.errors.QueryCompatibleError query) {
            response.setHeader("x-amzn-query-error", query.queryErrorCode() + ";" + (query.senderFault() ? "Sender" : "Receiver"));
        }
        if (e instanceof dev.conveyor.server.auth.AuthenticationException a && a.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", Long.toString(a.retryAfterSeconds()));
        }
        write(response, e.httpStatus(), body);
    }
}
