package dev.conveyor.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.protocol.RequestIds;
import dev.conveyor.server.s3.S3Protocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error pages, in the protocol of the request instead of HTML (issue 13, item 19): what Jetty itself
 * rejects (a bad {@code %} escape, a header section too large, an unknown method, a slow body) and what a servlet
 * answers with {@code sendError} (JGit's 404s). A request with {@code X-Amz-Target} gets an AWS JSON error, a path
 * of Conveyor's own endpoints ({@code /conveyor/}, git's {@code /v1/repos/}) a JSON {@code message}, anything else
 * S3's XML error, as it would have gone to the S3 endpoint. Never a stack trace or an exception's text: only the
 * status's reason and Jetty's short description of the problem.
 */
public final class ProtocolErrorHandler extends ErrorHandler {
    public ProtocolErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        String target = request.getHeaders().get("X-Amz-Target");
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        String reason = describe(code, message);
        HttpFields.Mutable headers = response.getHeaders();
        byte[] body;
        if (target != null) {
            String type = awsJsonType(code);
            headers.put("x-amzn-ErrorType", type);
            headers.put(HttpHeader.CONTENT_TYPE, "application/x-amz-json-1.1");
            body = json(ConveyorJson.mapper().createObjectNode().put("__type", type).put("message", reason));
        } else if (path != null && (path.startsWith("/conveyor/") || path.startsWith("/v1/repos/"))) {
            headers.put(HttpHeader.CONTENT_TYPE, "application/json");
            body = json(ConveyorJson.mapper().createObjectNode().put("message", reason));
        } else {
            headers.put(HttpHeader.CONTENT_TYPE, "application/xml");
            body = s3Error(code, reason, path);
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** An error found before there is a request to answer (the HTTP parser's): S3's XML, the default surface. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/xml"));
        return ByteBuffer.wrap(s3Error(status, describe(status, reason), null));
    }

    private static byte[] s3Error(int code, String reason, String path) {
        return S3Protocol.errorDocument(s3Code(code), reason, path == null ? "" : path, RequestIds.next());
    }

    private static byte[] json(ObjectNode body) {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Jetty's own description when it gave one (e.g. "Ambiguous URI path encoding"), else the status's reason. */
    private static String describe(int code, String message) {
        String reason = HttpStatus.getMessage(code);
        if (message == null || message.isBlank() || message.equals(reason)) {
            return reason;
        }
        // Jetty's messages are short and fixed; anything multi-line or long would be an exception's text.
        return message.length() > 200 || message.contains("\n") ? reason : message;
    }

    private static String awsJsonType(int code) {
        return switch (code) {
            case 404 -> "UnknownOperationException";
            case 408 -> "RequestTimeoutException";
            case 503 -> "ServiceUnavailableException";
            default -> code >= 500 ? "InternalFailure" : "SerializationException";
        };
    }

    private static String s3Code(int code) {
        return switch (code) {
            case 400, 414 -> "InvalidRequest";
            case 403 -> "AccessDenied";
            case 404 -> "NoSuchKey";
            case 405 -> "MethodNotAllowed";
            case 408 -> "RequestTimeout";
            case 411 -> "MissingContentLength";
            case 413 -> "EntityTooLarge";
            case 431 -> "RequestHeaderSectionTooLarge";
            case 501 -> "NotImplemented";
            case 503 -> "ServiceUnavailable";
            default -> code >= 500 ? "InternalError" : "InvalidRequest";
        };
    }
}
