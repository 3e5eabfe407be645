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
 * Authentication runs before any API sees the request: the JSON APIs' in {@link AwsJsonProtocol}'s gate once the
 * body is read, S3's and the path routes' here, IAM and STS in their endpoint. Only {@code /healthz} and routes made
 * {@link PathRoute#unsigned() unsigned} (webhooks) are served without a signature.
 */
public final class RequestRouter extends HttpServlet {
    /**
     * A handler for every request whose path starts with {@code prefix}. {@code action} is the IAM action a signed
     * request must be allowed (on the resource {@code arn:aws:conveyor:::<path>}), or {@link #OPEN} for routes that
     * check requests themselves and stay unsigned (webhooks, with their own HMAC or token).
     */
    public record PathRoute(String prefix, PathHandler handler, String action) {
        /** No signature asked for: the handler authenticates (or needs no authentication). */
        public static final String OPEN = "";
        /** What a route made without an action requires. */
        public static final String DEFAULT_ACTION = "conveyor:InvokeEndpoint";

        /** A route for signed requests allowed {@link #DEFAULT_ACTION}. */
        public PathRoute(String prefix, PathHandler handler) {
            this(prefix, handler, DEFAULT_ACTION);
        }

        /** The same route, open to unsigned requests. */
        public PathRoute unsigned() {
            return new PathRoute(prefix, handler, OPEN);
        }

        /** The same route, for signed requests allowed {@code action}. */
        public PathRoute requiring(String action) {
            return new PathRoute(prefix, handler, action);
        }
    }

    /**
     * Authorization of requests the router itself authenticated (path routes, Lambda): throws a
     * {@link ServiceException} (AccessDeniedException) unless {@code caller} may do {@code action} on {@code resource}.
     */
    @FunctionalInterface
    public interface RouteAuthorizer {
        void authorize(Caller caller, String action, String resource, HttpServletRequest request);
    }

    /** Names the IAM action and resource of a request to a signed service route (e.g. Lambda's REST operations). */
    @FunctionalInterface
    public interface SignedRouteAction {
        /** {action, resource ARN} of the request, whose body is {@code body}. */
        String[] of(HttpServletRequest request, byte[] body);
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
    private RouteAuthorizer routeAuthorizer = (caller, action, resource, request) -> { };
    private final Map<String, SignedRouteAction> signedRouteActions = new java.util.HashMap<>();
    /** Request bodies buffered to verify their hash are at most this large (Lambda's inline code zip). */
    static final int MAX_BUFFERED_BODY_BYTES = 70 * 1024 * 1024;

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

    /** Authorizes what the router itself authenticates (path routes, signed service routes); returns this router. */
    public RequestRouter authorizeRoutesWith(RouteAuthorizer authorizer) {
        this.routeAuthorizer = authorizer;
        return this;
    }

    /**
     * Makes the router authenticate requests to the signed service route {@code service} (body hash included) and
     * authorize them as {@code action} names; routes without one (IAM and STS) authenticate themselves.
     */
    public RequestRouter authenticateSignedRoute(String service, SignedRouteAction action) {
        signedRouteActions.put(service, action);
        return this;
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
            // The protocol authenticates once the body (whose hash the signature covers) is read: see RequestGate.
            json.handle(target, request, response, new RequestContext(RequestIds.next(), Caller.ANONYMOUS, clock.instant()));
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
            SignedRouteAction action = signedRouteActions.get(service);
            if (action == null) {
                signedRoute.handle(request, response); // IAM and STS verify and authorize themselves
            } else {
                authenticateAndServe(request, response, signedRoute, action);
            }
            return;
        }
        for (PathRoute route : pathRoutes) {
            if (path.startsWith(route.prefix())) {
                if (PathRoute.OPEN.equals(route.action())) {
                    route.handler().handle(request, response);
                } else {
                    authenticateAndServe(request, response, route.handler(),
                            (r, body) -> new String[] {route.action(), "arn:aws:conveyor:::" + r.getRequestURI()});
                }
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

    /**
     * Verifies the signature of a request for a route that is not an AWS JSON API nor S3 (its body, when it has one and
     * declares no x-amz-content-sha256, read into memory to hash it), authorizes it, then serves it. Refusals are a
     * JSON error document ({@code __type}/{@code message} and {@code x-amzn-ErrorType}), as the REST-JSON APIs answer.
     */
    private void authenticateAndServe(HttpServletRequest request, HttpServletResponse response, PathHandler handler,
                                      SignedRouteAction action) throws IOException {
        HttpServletRequest served = request;
        try {
            Optional<SigV4Credential> credential = credentialOf(request);
            BufferedBodyRequest buffered = null;
            if (hasBody(request)) {
                buffered = BufferedBodyRequest.read(request, MAX_BUFFERED_BODY_BYTES);
                if (buffered == null) {
                    writeJsonError(response, 413, "RequestEntityTooLargeException", "The request body is larger than "
                            + MAX_BUFFERED_BODY_BYTES + " bytes", 0);
                    return;
                }
                served = buffered;
            }
            byte[] body = buffered == null ? new byte[0] : buffered.body();
            String declared = request.getHeader("x-amz-content-sha256");
            if (declared != null && credential.isPresent()
                    && !declared.equals(dev.conveyor.server.auth.SignatureAuthenticator.sha256Hex(body))) {
                throw new dev.conveyor.server.auth.AuthenticationException(dev.conveyor.server.auth.AuthenticationException.Failure.BAD_SIGNATURE);
            }
            Caller caller = authenticator.authenticate(served, credential,
                    () -> dev.conveyor.server.auth.SignatureAuthenticator.sha256Hex(body));
            String[] what = action.of(served, body);
            routeAuthorizer.authorize(caller, what[0], what[1], served);
        } catch (ServiceException e) {
            long retryAfter = e instanceof dev.conveyor.server.auth.AuthenticationException a ? a.retryAfterSeconds() : 0;
            writeJsonError(response, e.httpStatus(), e.errorType(), e.getMessage(), retryAfter);
            return;
        }
        handler.handle(served, response);
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** The SigV4 credential of the Authorization header or, for presigned URLs, the X-Amz-Credential parameter. */
    private static Optional<SigV4Credential> credentialOf(HttpServletRequest request) {
        Optional<SigV4Credential> credential = SigV4Credential.fromAuthorization(request.getHeader("Authorization"));
        if (credential.isEmpty()) {
            String scope = presignedCredential(request);
            credential = scope == null ? Optional.empty() : Optional.of(SigV4Credential.fromScope(scope));
        }
        return credential;
    }

    private static void writeJsonError(HttpServletResponse response, int status, String type, String message, long retryAfter)
            throws IOException {
        response.setHeader("x-amzn-ErrorType", type);
        response.setHeader("x-amzn-RequestId", RequestIds.next());
        if (retryAfter > 0) {
            response.setHeader("Retry-After", Long.toString(retryAfter));
        }
        writePlain(response, status, "{\"__type\":\"" + jsonEscape(type) + "\",\"message\":\"" + jsonEscape(message) + "\"}",
                "application/json");
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
            caller = authenticator.authenticate(request, credentialOf(request));
        } catch (dev.conveyor.server.auth.AuthenticationException e) {
            if (e.failure() == dev.conveyor.server.auth.AuthenticationException.Failure.MISSING) {
                // Unsigned: the S3 endpoint lets it in only where a bucket policy allows "*" (else "Access Denied" as before).
                authenticated[0] = Caller.UNSIGNED;
                s3.handle(request, response, Caller.UNSIGNED);
                return;
            }
            if (e.retryAfterSeconds() > 0) {
                response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            S3Protocol.writeError(request, response, e.s3Code(), e.s3Message(), e.s3Status(), request.getRequestURI(), RequestIds.next());
            return;
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
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
