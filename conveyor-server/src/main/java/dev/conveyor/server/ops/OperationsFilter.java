package dev.conveyor.server.ops;

import dev.conveyor.server.http.RequestRouter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * In front of every route: answers {@code GET /metrics} (Prometheus) and {@code GET /readyz} (readiness: the server's
 * health, and not draining), and times every other request by operation. Exact paths only, so an anonymous S3 request
 * for a bucket {@code metrics} or {@code readyz} with a key still reaches its bucket.
 */
public final class OperationsFilter implements Filter {
    public static final String METRICS = "/metrics";
    public static final String READY = "/readyz";

    private final ServerMetrics metrics;
    private final RequestRouter.Readiness health;
    private final Drain drain;

    public OperationsFilter(ServerMetrics metrics, RequestRouter.Readiness health, Drain drain) {
        this.metrics = metrics;
        this.health = health;
        this.drain = drain;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI();
        boolean get = "GET".equals(request.getMethod()) && request.getHeader("Authorization") == null;
        if (get && METRICS.equals(path)) {
            write(response, 200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8");
            return;
        }
        if (get && READY.equals(path)) {
            Optional<String> problem = drain.draining() ? Optional.of("the server is draining") : health.problem();
            write(response, problem.isPresent() ? 503 : 200, problem.map(p -> "{\"status\":\"unavailable\",\"reason\":\""
                    + p.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}").orElse("{\"status\":\"ready\"}"), "application/json");
            return;
        }
        long started = System.nanoTime();
        drain.requestStarted();
        try {
            chain.doFilter(req, res);
        } finally {
            drain.requestEnded();
            metrics.request(operation(request), response.getStatus(), System.nanoTime() - started);
        }
    }

    /** What a request is, for metrics: the JSON target, git, a webhook, a log read, or S3 by method. */
    static String operation(HttpServletRequest request) {
        String target = request.getHeader("X-Amz-Target");
        if (target != null) {
            return target.length() <= 100 && nameLike(target) ? target : "other";
        }
        String path = request.getRequestURI();
        if (path.startsWith("/v1/repos/")) {
            return "git";
        }
        if (path.startsWith("/webhooks/")) {
            return "webhook";
        }
        if (path.startsWith("/conveyor/")) {
            return "conveyor-logs";
        }
        if (path.equals("/healthz")) {
            return "healthz";
        }
        String authorization = request.getHeader("Authorization");
        String service = authorization == null ? null : serviceOf(authorization);
        if (service != null && !service.equals("s3")) {
            return service;
        }
        return switch (request.getMethod()) {
            case "GET", "PUT", "POST", "DELETE", "HEAD" -> "s3:" + request.getMethod();
            default -> "other";
        };
    }

    /** {@code [A-Za-z0-9_.]+}, tested without compiling a regex on every request (issue 20: allocation per request). */
    private static boolean nameLike(String target) {
        if (target.isEmpty()) {
            return false;
        }
        for (int i = 0; i < target.length(); i++) {
            char ch = target.charAt(i);
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.')) {
                return false;
            }
        }
        return true;
    }

    private static String serviceOf(String authorization) {
        int at = authorization.indexOf("Credential=");
        if (at < 0) {
            return null;
        }
        String[] scope = authorization.substring(at + "Credential=".length()).split("[,\\s]")[0].split("/");
        return scope.length >= 4 && scope[3].matches("[a-z0-9-]{1,30}") ? scope[3] : null;
    }

    private static void write(HttpServletResponse response, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
