package dev.conveyor.server.http;

import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.server.auth.Caller;
import dev.conveyor.server.auth.RequestAuthenticator;
import dev.conveyor.server.auth.SigV4Credential;
import dev.conveyor.server.protocol.AwsJsonProtocol;
import dev.conveyor.server.protocol.RequestContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * The single entry point for everything on the server's port, routed by the request itself:
 * <ol>
 *   <li>{@code GET /healthz}: readiness;</li>
 *   <li>a request with {@code X-Amz-Target}: an AWS JSON API (CodePipeline, and later CodeBuild and
 *       CodeConnections), chosen by the target's prefix;</li>
 *   <li>anything else: 404 for now (S3, git and the console are routed here as they are built).</li>
 * </ol>
 * Authentication runs before any API sees the request.
 */
public final class RequestRouter extends HttpServlet {
    private final AwsJsonProtocol json;
    private final RequestAuthenticator authenticator;
    private final Clock clock;

    public RequestRouter(AwsJsonProtocol json, RequestAuthenticator authenticator, Clock clock) {
        this.json = json;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI();
        if ("/healthz".equals(path) && "GET".equals(request.getMethod())) {
            writePlain(response, 200, "{\"status\":\"ok\"}", "application/json");
            return;
        }
        String target = request.getHeader("X-Amz-Target");
        if (target != null) {
            RequestContext context = new RequestContext(UUID.randomUUID().toString(), Caller.ANONYMOUS, clock.instant());
            try {
                Optional<SigV4Credential> credential = SigV4Credential.fromAuthorization(request.getHeader("Authorization"));
                Caller caller = authenticator.authenticate(request, credential);
                json.handle(target, request, response, new RequestContext(context.requestId(), caller, context.receivedAt()));
            } catch (ServiceException e) {
                response.setHeader("x-amzn-RequestId", context.requestId());
                json.writeError(response, e);
            }
            return;
        }
        writePlain(response, 404, "{\"message\":\"Nothing is served at " + jsonEscape(path) + "\"}", "application/json");
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
