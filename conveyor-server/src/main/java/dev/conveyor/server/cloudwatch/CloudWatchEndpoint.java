package dev.conveyor.server.cloudwatch;

import dev.conveyor.cloudwatch.alertmanager.AlertmanagerWebhook;
import dev.conveyor.cloudwatch.api.CloudWatchApi;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.server.audit.CallAuditor;
import dev.conveyor.server.auth.SigV4Credential;
import dev.conveyor.server.protocol.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves CloudWatch's AWS Query requests ({@code Action=…&Version=2010-08-01}, form-encoded body or query string) and
 * Alertmanager's webhook ({@code POST /alertmanager/webhook} with a bearer token).
 */
public final class CloudWatchEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchEndpoint.class);
    public static final String ALERTMANAGER_PATH = "/alertmanager/webhook";
    /** PutMetricData carries at most 1000 data of 30 dimensions: well under 4 MiB form-encoded. */
    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final CloudWatchApi api;
    private final AlertmanagerWebhook alertmanager;
    private final CallAuditor auditor;

    public CloudWatchEndpoint(CloudWatchApi api, AlertmanagerWebhook alertmanager, CallAuditor auditor) {
        this.api = api;
        this.alertmanager = alertmanager;
        this.auditor = auditor;
    }

    /** A request signed for {@code monitoring} without X-Amz-Target: AWS Query. */
    public void handleQuery(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.next();
        Map<String, String> parameters = new HashMap<>();
        CloudWatchApi.QueryAnswer answer;
        Optional<SigV4Credential> credential = Optional.empty();
        try {
            credential = SigV4Credential.fromAuthorization(request.getHeader("Authorization"));
            // the router verified the signature (body hash included) and authorized the Action before routing here
            byte[] body = readBody(request, MAX_BODY_BYTES);
            if (body == null) {
                answer = new CloudWatchApi.QueryAnswer(413, "", "RequestEntityTooLarge", "The request body is larger than " + MAX_BODY_BYTES + " bytes");
            } else {
                parse(request.getQueryString(), parameters);
                parse(new String(body, StandardCharsets.UTF_8), parameters);
                answer = api.handleQuery(parameters, requestId);
            }
        } catch (ServiceException e) {
            answer = new CloudWatchApi.QueryAnswer(e.httpStatus(), errorXml(e.errorType(), e.getMessage(), requestId), e.errorType(), e.getMessage());
        } catch (IllegalArgumentException e) {
            answer = new CloudWatchApi.QueryAnswer(400, errorXml("MalformedQueryString", "The request's parameters are not validly URL-encoded",
                    requestId), "MalformedQueryString", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("cloudwatch request {} failed", requestId, e);
            answer = new CloudWatchApi.QueryAnswer(500, errorXml("InternalFailure", "The server failed to process request " + requestId,
                    requestId), "InternalFailure", null);
        }
        auditor.query("monitoring", parameters.get("Action"), parameters, credential.map(SigV4Credential::accessKeyId).orElse(null),
                answer.errorCode(), answer.errorMessage(), request, requestId);
        byte[] bytes = answer.xml().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.setHeader("x-amzn-RequestId", requestId);
        response.setContentType("text/xml;charset=UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * {IAM action, resource} of a Query request, for the router's authorization: {@code cloudwatch:<Action>} (the IAM
     * prefix, not the signing name {@code monitoring}) on every alarm, as CloudWatch's alarm actions are scoped by name
     * only where a policy asks for it.
     */
    public static String[] actionOf(HttpServletRequest request, byte[] body) {
        Map<String, String> parameters = new HashMap<>();
        try {
            parse(request.getQueryString(), parameters);
            parse(new String(body, StandardCharsets.UTF_8), parameters);
        } catch (IllegalArgumentException e) {
            // the endpoint answers the malformed form; authorize as no action in particular
        }
        String action = parameters.getOrDefault("Action", "");
        return new String[] {"cloudwatch:" + (action.isEmpty() ? "*" : action), "*"};
    }

    private static String errorXml(String code, String message, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"" + CloudWatchApi.XML_NAMESPACE + "\"><Error><Type>Sender</Type><Code>"
                + code + "</Code><Message>" + message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
    }

    /** {@code POST /alertmanager/webhook}: an Alertmanager notification. */
    public void handleAlertmanager(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AlertmanagerWebhook.Answer answer;
        if (!"POST".equals(request.getMethod()) || !ALERTMANAGER_PATH.equals(request.getRequestURI())) {
            answer = new AlertmanagerWebhook.Answer(405, "{\"message\":\"POST an Alertmanager notification to " + ALERTMANAGER_PATH + "\"}");
        } else {
            byte[] body = readBody(request, AlertmanagerWebhook.MAX_BODY_BYTES);
            answer = body == null ? new AlertmanagerWebhook.Answer(413, "{\"message\":\"the notification is too large\"}")
                    : alertmanager.handle(request.getHeader("Authorization"), body);
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The body, or null when it is longer than {@code max}. */
    private static byte[] readBody(HttpServletRequest request, int max) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(max + 1);
            return body.length > max ? null : body;
        }
    }

    /** Adds the pairs of an {@code application/x-www-form-urlencoded} string; the first value of a name wins. */
    private static void parse(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.putIfAbsent(name, value);
        }
    }
}
