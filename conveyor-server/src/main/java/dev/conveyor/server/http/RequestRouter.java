package dev.conveyor.server.http;

import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.server.auth.Caller;
import dev.conveyor.server.auth.JobCredentialAuthenticator;
import dev.conveyor.server.auth.RequestAuthenticator;
import dev.conveyor.server.auth.SigV4Credential;
import dev.conveyor.server.protocol.AwsJsonProtocol;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.protocol.RequestIds;
import dev.conveyor.server.s3.S3Protocol;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The single entry point for everything on the server's port, routed by the request itself:
 * <ol>
 *   <li>{@code GET /healthz}: readiness;</li>
 *   <li>a request with {@code X-Amz-Target}: an AWS JSON API (CodePipeline, and later CodeBuild and
 *       CodeConnections), chosen by the target's prefix;</li>
 *   <li>a request signed for S3 (SigV4 credential scope service {@code s3}, in the Authorization header or a
 *       presigned URL's {@code X-Amz-Credential}; or an old {@code AWS AKID:sig} header): the S3 endpoint;</li>
 *   <li>a request signed for a service with a {@code signedServiceRoutes} handler (SigV4 credential scope
 *       {@code iam} or {@code sts}: the AWS Query protocol APIs, whatever the path);</li>
 *   <li>a path under one of the {@link PathRoute}s' prefixes (Conveyor's own endpoints: logs, git, console);</li>
 *   <li>any other unsigned request: the S3 endpoint (anonymous S3 access, e.g. {@code curl /bucket/key});</li>
 *   <li>anything else (signed for another service): 404.</li>
 * </ol>
 * Authentication runs before any API sees the request.
 */
public final class RequestRouter extends HttpServlet {
    /** A handler for every request whose path starts with {@code prefix}. */
    public record PathRoute(String prefix, PathHandler handler) {
    }

    /** Serves one request routed by path. */
    @FunctionalInterface
    public interface PathHandler {
        void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;
    }

    /** Whether the server can serve now, for {@code /healthz}: empty when ready, else why not (no paths, no traces). */
    @FunctionalInterface
    public interface Readiness {
        Optional<String> problem();
    }

    private final AwsJsonProtocol json;
    private final RequestAuthenticator authenticator;
    private final Clock clock;
    private final List<PathRoute> pathRoutes;
    private final S3Protocol s3;
    private final Map<String, PathHandler> signedServiceRoutes;
    private volatile Readiness readiness = Optional::empty;
    private volatile String browserHome;
    private S3CallObserver s3Observer = (request, response, caller) -> { };

    /** Told of every S3 call once it is answered (the audit trail listens). */
    @FunctionalInterface
    public interface S3CallObserver {
        void completed(HttpServletRequest request, HttpServletResponse response, Caller caller);
    }

    public RequestRouter(AwsJsonProtocol json, RequestAuthenticator authenticator, Clock clock, List<PathRoute> pathRoutes) {
        this(json, authenticator, clock, pathRoutes, null);
    }

    /** With the S3 endpoint ({@code s3} null: no S3, such requests get 404). */
    public RequestRouter(AwsJsonProtocol json, RequestAuthenticator authenticator, Clock clock, List<PathRoute> pathRoutes, S3Protocol s3) {
        this(json, authenticator, clock, pathRoutes, s3, Map.of());
    }

    /** With handlers for requests signed for other services, by the credential scope's service name ({@code iam}, {@code sts}). */
    public RequestRouter(AwsJsonProtocol json, RequestAuthenticator authenticator, Clock clock, List<PathRoute> pathRoutes, S3Protocol s3,
                         Map<String, PathHandler> signedServiceRoutes) {
        this.signedServiceRoutes = Map.copyOf(signedServiceRoutes);
        this.json = json;
        this.authenticator = authenticator;
        this.clock = clock;
        this.pathRoutes = List.copyOf(pathRoutes);
        this.s3 = s3;
    }

    /** What {@code /healthz} checks (by default nothing: ready once listening). */
    public void readiness(Readiness readiness) {
        this.readiness = readiness;
    }

    /**
     * Where a browser asking for {@code /} (an unsigned GET accepting text/html) is redirected, e.g. {@code /console/};
     * null (the default): such requests go to the S3 endpoint like any unsigned request.
     */
    public void browserHome(String path) {
        this.browserHome = path;
    }

    /** Tells {@code observer} of every S3 call once answered; returns this router. Call before the router serves. */
    public RequestRouter observeS3Calls(S3CallObserver observer) {
        this.s3Observer = observer;
        return this;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        if ("/healthz".equals(path) && "GET".equals(request.getMethod())) {
            Optional<String> problem = readiness.problem();
            if (problem.isPresent()) {
                writePlain(response, 503, "{\"status\":\"unavailable\",\"reason\":\"" + jsonEscape(problem.get()) + "\"}", "application/json");
                return;
            }
            writePlain(response, 200, "{\"status\":\"ok\"}", "application/json");
            return;
        }
        String target = request.getHeader("X-Amz-Target");
        if (target != null) {
            RequestContext context = new RequestContext(RequestIds.next(), Caller.ANONYMOUS, clock.instant());
            try {
                Optional<SigV4Credential> credential = SigV4Credential.fromAuthorization(request.getHeader("Authorization"));
                Caller caller = authenticator.authenticate(request, credential);
                json.handle(target, request, response, new RequestContext(context.requestId(), caller, context.receivedAt()));
            } catch (ServiceException e) {
                response.setHeader("x-amzn-RequestId", context.requestId());
                json.refuse(target, e, request, response, context);
            }
            return;
        }
        S3Signature signature = s3 == null ? S3Signature.NONE : s3Signature(request);
        if (signature == S3Signature.S3 || signature == S3Signature.MALFORMED) {
            serveS3(request, response);
            return;
        }
        String service = signature == S3Signature.OTHER_SERVICE ? signedService(request) : null;
        PathHandler signedRoute = service == null ? null : signedServiceRoutes.get(service);
        if (signedRoute != null) {
            signedRoute.handle(request, response);
            return;
        }
        for (PathRoute route : pathRoutes) {
            if (path.startsWith(route.prefix())) {
                route.handler().handle(request, response);
                return;
            }
        }
        if (signature == S3Signature.NONE && isBrowserAtHome(request, path)) {
            response.setStatus(302);
            response.setHeader("Location", browserHome);
            return;
        }
        if (signature == S3Signature.NONE && s3 != null) {
            serveS3(request, response);
            return;
        }
        writePlain(response, 404, "{\"message\":\"Nothing is served at " + jsonEscape(path) + "\"}", "application/json");
    }

    /** A browser navigating to {@code /} (or to the browser home without its trailing slash). */
    private boolean isBrowserAtHome(HttpServletRequest request, String path) {
        String home = browserHome;
        String accept = request.getHeader("Accept");
        return home != null && "GET".equals(request.getMethod()) && request.getQueryString() == null
                && (path.equals("/") || (home.endsWith("/") && path.equals(home.substring(0, home.length() - 1))))
                && accept != null && accept.contains("text/html");
    }

    /** How a request without X-Amz-Target is signed, as far as routing to S3 is concerned. */
    private enum S3Signature { S3, OTHER_SERVICE, MALFORMED, NONE }

    private static S3Signature s3Signature(HttpServletRequest request) {
        try {
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.startsWith("AWS ")) {
                return S3Signature.S3; // SigV2, only ever used with S3
            }
            Optional<SigV4Credential> credential = SigV4Credential.fromAuthorization(authorization);
            if (credential.isEmpty()) {
                String scope = presignedCredential(request);
                credential = scope == null ? Optional.empty() : Optional.of(SigV4Credential.fromScope(scope));
            }
            if (credential.isEmpty()) {
                return authorization == null ? S3Signature.NONE : S3Signature.OTHER_SERVICE;
            }
            return "s3".equals(credential.get().service()) ? S3Signature.S3 : S3Signature.OTHER_SERVICE;
        } catch (ServiceException e) {
            return S3Signature.MALFORMED;
        }
    }

    /** The service of a SigV4 Authorization header's credential scope, or null. */
    private static String signedService(HttpServletRequest request) {
        try {
            return SigV4Credential.fromAuthorization(request.getHeader("Authorization")).map(SigV4Credential::service).orElse(null);
        } catch (ServiceException e) {
            return null;
        }
    }

    /** The X-Amz-Credential query parameter of a presigned URL, read without touching the body. */
    private static String presignedCredential(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("X-Amz-Credential=")) {
                return java.net.URLDecoder.decode(pair.substring("X-Amz-Credential=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void serveS3(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Caller[] caller = {null};
        try {
            authenticateAndServeS3(request, response, caller);
        } finally {
            s3Observer.completed(request, response, caller[0]);
        }
    }

    private void authenticateAndServeS3(HttpServletRequest request, HttpServletResponse response, Caller[] authenticated)
            throws IOException {
        Caller caller;
        try {
            Optional<SigV4Credential> credential = SigV4Credential.fromAuthorization(request.getHeader("Authorization"));
            if (credential.isEmpty()) {
                String scope = presignedCredential(request);
                credential = scope == null ? Optional.empty() : Optional.of(SigV4Credential.fromScope(scope));
            }
            caller = authenticator.authenticate(request, credential);
        } catch (JobCredentialAuthenticator.AccessDenied e) {
            S3Protocol.writeError(request, response, e.code(), e.getMessage(), 403, request.getRequestURI(), RequestIds.next());
            return;
        } catch (ServiceException e) {
            S3Protocol.writeError(request, response, "AuthorizationHeaderMalformed", e.getMessage(), 400, request.getRequestURI(),
                    RequestIds.next());
            return;
        }
        authenticated[0] = caller;
        s3.handle(request, response, caller);
    }

    private static void writePlain(HttpServletResponse response, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
