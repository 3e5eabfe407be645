package dev.conveyor.server.functions;

import dev.conveyor.functions.Functions;
import dev.conveyor.functions.api.LambdaRestApi;
import dev.conveyor.functions.api.RestRequest;
import dev.conveyor.functions.api.RestResponse;
import dev.conveyor.functions.errors.LambdaException;
import dev.conveyor.functions.errors.RequestTooLargeException;
import dev.conveyor.functions.errors.ServiceException;
import dev.conveyor.server.protocol.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves requests signed for {@code lambda} (REST-JSON, {@code /2015-03-31/functions…}) through conveyor-functions, and
 * the code zips GetFunction's {@code Code.Location} points at. Signatures are not verified yet, as for the other JSON
 * APIs until enforcement is switched on (docs/security.md).
 */
public final class LambdaEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(LambdaEndpoint.class);
    /** A base64 zip of 50 MB in JSON, with room for the rest of the request. */
    private static final int MAX_BODY_BYTES = 70 * 1024 * 1024;

    private final LambdaRestApi api;
    private final Functions functions;

    public LambdaEndpoint(LambdaRestApi api, Functions functions) {
        this.api = api;
        this.functions = functions;
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.next();
        RestResponse answer;
        try {
            answer = api.handle(new RestRequest(request.getMethod(), request.getRequestURI(), query(request.getQueryString()),
                    headers(request), readBody(request), baseUrl(request)));
        } catch (LambdaException e) {
            answer = LambdaRestApi.error(e, requestId);
        } catch (RuntimeException e) {
            LOG.error("lambda request {} failed", requestId, e);
            answer = LambdaRestApi.error(new ServiceException("The service could not complete the request (request " + requestId + ")"),
                    requestId);
        }
        response.setStatus(answer.status());
        if (!answer.headers().containsKey("x-amzn-RequestId")) {
            response.setHeader("x-amzn-RequestId", requestId);
        }
        answer.headers().forEach(response::setHeader);
        if (answer.status() != 204) {
            response.setContentType("application/json");
            response.setContentLength(answer.body().length);
            response.getOutputStream().write(answer.body());
        }
    }

    /** {@code GET /conveyor/functions/code/<sha256>.zip}: a function's code, for GetFunction's download location. */
    public void serveCode(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getRequestURI().substring(LambdaRestApi.CODE_PREFIX.length());
        Optional<Path> zip = "GET".equals(request.getMethod()) && name.endsWith(".zip")
                ? functions.codeZip(name.substring(0, name.length() - ".zip".length())) : Optional.empty();
        if (zip.isEmpty()) {
            response.setStatus(404);
            response.setContentType("application/json");
            response.getOutputStream().write("{\"message\":\"No such code\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        response.setStatus(200);
        response.setContentType("application/zip");
        response.setContentLengthLong(Files.size(zip.get()));
        Files.copy(zip.get(), response.getOutputStream());
    }

    private static String baseUrl(HttpServletRequest request) {
        return request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> headers = new HashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        return headers;
    }

    private static Map<String, String> query(String query) {
        Map<String, String> parameters = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            try {
                parameters.putIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed pair is not one of the parameters the operations read
            }
        }
        return parameters;
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new RequestTooLargeException("The request body is larger than " + MAX_BODY_BYTES + " bytes", null);
            }
            return body;
        }
    }

    /**
     * The IAM action and resource of a Lambda REST request ({@code lambda:GetFunction} on
     * {@code arn:aws:lambda:<region>:<account>:function:<name>}; CreateFunction names the function in its body;
     * ListFunctions is on {@code *}), for the router to authorize.
     */
    public static String[] actionOf(HttpServletRequest request, byte[] body, String region, String accountId) {
        String prefix = "/2015-03-31/functions";
        String path = request.getRequestURI();
        String rest = path.startsWith(prefix) ? path.substring(prefix.length()) : "";
        java.util.List<String> segments = java.util.Arrays.stream(rest.split("/")).filter(s -> !s.isEmpty()).toList();
        String method = request.getMethod();
        if (segments.isEmpty()) {
            if ("POST".equals(method)) {
                String name = "*";
                try {
                    var node = dev.conveyor.model.json.ConveyorJson.mapper().readTree(body);
                    if (node != null && node.path("FunctionName").isTextual()) {
                        name = node.path("FunctionName").asText();
                    }
                } catch (IOException | RuntimeException e) {
                    // the API answers the malformed body; authorize on the function "*"
                }
                return new String[] {"lambda:CreateFunction", functionArn(name, region, accountId)};
            }
            return new String[] {"lambda:ListFunctions", "*"};
        }
        String name;
        try {
            name = URLDecoder.decode(segments.getFirst(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            name = segments.getFirst();
        }
        String sub = segments.size() == 1 ? "" : String.join("/", segments.subList(1, segments.size()));
        String action = switch (method + " " + sub) {
            case "GET " -> "lambda:GetFunction";
            case "GET configuration" -> "lambda:GetFunctionConfiguration";
            case "DELETE " -> "lambda:DeleteFunction";
            case "PUT code" -> "lambda:UpdateFunctionCode";
            case "PUT configuration" -> "lambda:UpdateFunctionConfiguration";
            case "POST invocations" -> "lambda:InvokeFunction";
            default -> "lambda:" + method;
        };
        return new String[] {action, functionArn(name, region, accountId)};
    }

    private static String functionArn(String name, String region, String accountId) {
        return name.startsWith("arn:") ? name : "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name;
    }
}
