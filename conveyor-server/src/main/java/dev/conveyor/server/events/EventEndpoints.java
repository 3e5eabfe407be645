package dev.conveyor.server.events;

import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.events.EventServices;
import dev.conveyor.events.Json;
import dev.conveyor.events.http.HttpAnswer;
import dev.conveyor.events.http.HttpCall;
import dev.conveyor.events.outbox.ApprovalMessages;
import dev.conveyor.events.outbox.OutboxRow;
import dev.conveyor.events.sns.MessageSigner;
import dev.conveyor.events.sns.SnsApi;
import dev.conveyor.events.sns.SnsException;
import dev.conveyor.events.stream.EventStreams;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.server.protocol.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of conveyor-events. Paths:
 * <ul>
 *   <li>requests signed for {@code sns}: SNS's Query API; for {@code codestar-notifications}: CodeStar Notifications;</li>
 *   <li>{@code /conveyor/v1/sns/…} (unsigned GETs, as SNS's are): the signing certificate, the SubscribeURL and the
 *       UnsubscribeURL of messages;</li>
 *   <li>{@code /conveyor/v1/events/…} (signed, by header or presigned query; the router authenticates): the live streams
 *       {@code stream} (every pipeline), {@code pipelines/<name>/stream} and {@code pipelines/<name>/executions/<id>/stream}
 *       (Server-Sent Events, resumable with Last-Event-ID; {@code ?from=now} starts after the events already committed),
 *       {@code dead-letters} (GET) and {@code dead-letters/<id>/redrive} (POST);</li>
 *   <li>{@code /conveyor/v1/approvals/<pipeline>/<stage>/<action>/<token>}: a manual approval's page (GET) and its
 *       answer (POST {@code result=Approved|Rejected&summary=…}); the token is the capability.</li>
 * </ul>
 */
public final class EventEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(EventEndpoints.class);
    public static final String EVENTS_PREFIX = "/conveyor/v1/events/";
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);

    private final EventServices events;
    private final ExecutionEngine engine;

    /** Authentication is the router's (signed routes, with the actions {@link #snsActionOf} and {@link #notificationsActionOf} name). */
    public EventEndpoints(EventServices events, ExecutionEngine engine) {
        this.events = events;
        this.engine = engine;
    }

    /** The IAM action and resource of an SNS request: {@code sns:<Action>} on its topic (or subscription) ARN. */
    public static String[] snsActionOf(HttpServletRequest request, byte[] body) {
        Map<String, String> p = new HashMap<>();
        parseForm(request.getQueryString(), p);
        parseForm(new String(body, StandardCharsets.UTF_8), p);
        String resource = p.getOrDefault("TopicArn", p.getOrDefault("TargetArn", p.getOrDefault("SubscriptionArn", "*")));
        return new String[] {"sns:" + p.getOrDefault("Action", ""), resource};
    }

    /** The IAM action and resource of a CodeStar Notifications request: the operation its path names, on its rule's ARN. */
    public static String[] notificationsActionOf(HttpServletRequest request, byte[] body) {
        String path = request.getRequestURI();
        String operation = path.length() > 1 ? Character.toUpperCase(path.charAt(1)) + path.substring(2) : "";
        String resource = "*";
        try {
            var json = Json.read(new String(body, StandardCharsets.UTF_8));
            resource = json.path("Arn").asText(json.path("Resource").asText("*"));
        } catch (IllegalArgumentException e) {
            // not JSON: the API says so once authorized
        }
        return new String[] {"codestar-notifications:" + operation, resource};
    }

    // ---- signed APIs

    public void sns(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.next();
        Map<String, String> params = new HashMap<>();
        parseForm(request.getQueryString(), params);
        parseForm(new String(readBody(request), StandardCharsets.UTF_8), params);
        SnsApi.Answer answer;
        try {
            answer = events.sns().handle(params, requestId);
        } catch (RuntimeException e) {
            LOG.error("sns request {} failed", requestId, e);
            answer = SnsApi.error(new SnsException("InternalError", 500, "The request processing has failed"), requestId);
        }
        write(response, HttpAnswer.xml(answer.status(), answer.xml()), requestId);
    }

    public void notifications(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.next();
        HttpAnswer answer = events.notifications().handle(call(request), requestId);
        write(response, answer, requestId);
    }

    // ---- unsigned links of SNS messages

    public void snsLinks(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.next();
        String path = request.getRequestURI();
        Map<String, String> q = new HashMap<>();
        parseForm(request.getQueryString(), q);
        if (path.equals(MessageSigner.CERT_PATH)) {
            write(response, HttpAnswer.of(200, "application/x-pem-file", events.signingCertificatePem()), requestId);
            return;
        }
        try {
            if (path.equals(SnsApi.LINK_PREFIX + "confirm")) {
                String arn = events.sns().confirm(q.getOrDefault("TopicArn", ""), q.getOrDefault("Token", ""));
                write(response, HttpAnswer.xml(200, "<ConfirmSubscriptionResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        + "<ConfirmSubscriptionResult><SubscriptionArn>" + SnsApi.esc(arn) + "</SubscriptionArn></ConfirmSubscriptionResult>"
                        + "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>"),
                        requestId);
                return;
            }
            if (path.equals(SnsApi.LINK_PREFIX + "unsubscribe")) {
                events.sns().unsubscribe(q);
                write(response, HttpAnswer.xml(200, "<UnsubscribeResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        + "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></UnsubscribeResponse>"), requestId);
                return;
            }
        } catch (SnsException e) {
            SnsApi.Answer a = SnsApi.error(e, requestId);
            write(response, HttpAnswer.xml(a.status(), a.xml()), requestId);
            return;
        }
        write(response, HttpAnswer.json(404, "{\"message\":\"Nothing is served here\"}"), requestId);
    }

    // ---- streams and dead letters (signed)

    public void eventsApi(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.next();
        List<String> parts = List.of(request.getRequestURI().substring(EVENTS_PREFIX.length()).split("/"));
        parts = parts.stream().map(p -> URLDecoder.decode(p, StandardCharsets.UTF_8)).toList();
        String method = request.getMethod();
        if (method.equals("GET") && parts.size() == 1 && parts.get(0).equals("stream")) {
            stream(request, response, null, null);
        } else if (method.equals("GET") && parts.size() == 3 && parts.get(0).equals("pipelines") && parts.get(2).equals("stream")) {
            stream(request, response, parts.get(1), null);
        } else if (method.equals("GET") && parts.size() == 5 && parts.get(0).equals("pipelines") && parts.get(2).equals("executions")
                && parts.get(4).equals("stream")) {
            stream(request, response, parts.get(1), parts.get(3));
        } else if (method.equals("GET") && parts.size() == 1 && parts.get(0).equals("dead-letters")) {
            write(response, HttpAnswer.json(200, Json.write(events.deadLetters(1000))), requestId);
        } else if (method.equals("POST") && parts.size() == 3 && parts.get(0).equals("dead-letters") && parts.get(2).equals("redrive")) {
            boolean done = events.redrive(parts.get(1));
            write(response, done ? HttpAnswer.json(200, "{}")
                    : HttpAnswer.json(404, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"No dead letter " + parts.get(1) + "\"}"),
                    requestId);
        } else {
            write(response, HttpAnswer.json(404, "{\"message\":\"Nothing is served here\"}"), requestId);
        }
    }

    /**
     * Server-Sent Events: {@code id} is the event's outbox seq, {@code event} its detail-type, {@code data} the event.
     * From the start of the retained events, after Last-Event-ID, or (without one, {@code ?from=now}) after the last event
     * committed when the stream opens: for a client that reads the current state itself and wants only the changes.
     */
    private void stream(HttpServletRequest request, HttpServletResponse response, String pipeline, String execution) throws IOException {
        long after = 0;
        String last = request.getHeader("Last-Event-ID");
        if (last == null) {
            last = request.getParameter("lastEventId");
        }
        if (last == null && "now".equals(request.getParameter("from"))) {
            after = events.streams().lastSeq(pipeline, execution);
        } else if (last != null) {
            try {
                after = Long.parseLong(last.strip());
            } catch (NumberFormatException e) {
                write(response, HttpAnswer.json(400, "{\"message\":\"Last-Event-ID must be a number\"}"), RequestIds.next());
                return;
            }
        }
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        OutputStream out = response.getOutputStream();
        out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            long version = events.streams().version();
            long quietSince = System.nanoTime();
            EventStreams.Cursor cursor = events.streams().cursor(pipeline, execution, after);
            while (true) {
                List<OutboxRow> rows = cursor.next();
                for (OutboxRow row : rows) {
                    out.write(("id: " + row.seq() + "\nevent: " + row.detailType() + "\ndata: " + row.body() + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                if (!rows.isEmpty()) {
                    out.flush();
                    quietSince = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - quietSince > KEEPALIVE.toNanos()) {
                    out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    quietSince = System.nanoTime();
                }
                version = events.streams().await(version, Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        }
    }

    // ---- approvals

    public void approvals(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.next();
        String[] parts = request.getRequestURI().substring(ApprovalMessages.PREFIX.length()).split("/");
        if (parts.length != 4) {
            write(response, HttpAnswer.of(404, "text/plain", "No approval here\n"), requestId);
            return;
        }
        String pipeline = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        String stage = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
        String action = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
        String token = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
        if (request.getMethod().equals("POST")) {
            Map<String, String> form = new HashMap<>();
            parseForm(new String(readBody(request), StandardCharsets.UTF_8), form);
            String result = form.getOrDefault("result", "");
            if (!result.equals("Approved") && !result.equals("Rejected")) {
                write(response, HttpAnswer.of(400, "text/plain", "result must be Approved or Rejected\n"), requestId);
                return;
            }
            try {
                engine.putApprovalResult(pipeline, stage, action, token, result.equals("Approved"),
                        form.getOrDefault("summary", result + " from the approval link"), "approval-link");
            } catch (ServiceException e) {
                write(response, HttpAnswer.of(e.httpStatus(), "text/html;charset=UTF-8", page(pipeline, stage, action, null,
                        e.errorType() + ": " + e.getMessage())), requestId);
                return;
            }
            write(response, HttpAnswer.of(200, "text/html;charset=UTF-8", page(pipeline, stage, action, null, result + ".")), requestId);
            return;
        }
        write(response, HttpAnswer.of(200, "text/html;charset=UTF-8", page(pipeline, stage, action, request.getRequestURI(), null)), requestId);
    }

    private static String page(String pipeline, String stage, String action, String postTo, String outcome) {
        StringBuilder s = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Approval: ")
                .append(html(pipeline)).append("</title></head><body><h1>Approval needed</h1><p>Pipeline <b>").append(html(pipeline))
                .append("</b>, stage <b>").append(html(stage)).append("</b>, action <b>").append(html(action)).append("</b></p>");
        if (outcome != null) {
            s.append("<p>").append(html(outcome)).append("</p>");
        }
        if (postTo != null) {
            s.append("<form method=\"post\" action=\"").append(html(postTo)).append("\"><p><label>Summary <input name=\"summary\"></label></p>")
                    .append("<button name=\"result\" value=\"Approved\">Approve</button> ")
                    .append("<button name=\"result\" value=\"Rejected\">Reject</button></form>");
        }
        return s.append("</body></html>").toString();
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---- plumbing

    private static HttpCall call(HttpServletRequest request) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, request.getHeader(name));
        }
        Map<String, String> query = new HashMap<>();
        parseForm(request.getQueryString(), query);
        return new HttpCall(request.getMethod(), request.getRequestURI(), query, headers, readBody(request), "");
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new IOException("request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        }
    }

    private static void parseForm(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                into.putIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed pair is ignored; the API then reports the missing parameter
            }
        }
    }

    private static void write(HttpServletResponse response, HttpAnswer answer, String requestId) throws IOException {
        response.setStatus(answer.status());
        response.setHeader("x-amzn-RequestId", requestId);
        answer.headers().forEach(response::setHeader);
        response.setContentType(answer.contentType());
        response.setContentLength(answer.body().length);
        response.getOutputStream().write(answer.body());
    }
}
