package dev.conveyor.server.git;

import dev.conveyor.iam.Authorizer;
import dev.conveyor.iam.policy.AuthorizationRequest;
import dev.conveyor.iam.policy.Decision;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hosted repositories' gate: every git request over HTTP (and the commit view) needs credentials
 * ({@link GitCredentials}) and the caller's policies must allow {@code codecommit:GitPush} (a push) or
 * {@code codecommit:GitPull} (a clone or fetch, the commit view) on the repository's ARN
 * {@code arn:aws:codecommit:<region>:<account>:<name>}. No credentials, or wrong ones: 401 with
 * {@code WWW-Authenticate: Basic}, so that git asks its credential helper; denied: 403. A refusal of presented
 * credentials and every denial is told to the {@link Refusals} (the audit trail); git's first round trip, which carries
 * no credentials by design, is not.
 */
public final class GitAccess implements Filter {
    /** The request attribute that holds the access key id a git request was authenticated with (for the audit trail). */
    public static final String ACCESS_KEY_ID = "dev.conveyor.git.accessKeyId";
    /** Set on a request this filter refused (so that the push audit does not record it twice). */
    public static final String REFUSED = "dev.conveyor.git.refused";
    /** The paths git's smart and dumb HTTP protocols add to a repository's URL, and Conveyor's commit view. */
    private static final Pattern GIT_PATH = Pattern.compile(
            "^(/.+?)(/info/refs|/git-upload-pack|/git-receive-pack|/HEAD|/objects/.*|/info/.*|/commit/[0-9a-fA-F]{4,64})$");

    /** Told of every refused request that presented credentials, and every denial. */
    @FunctionalInterface
    public interface Refusals {
        void refused(String operation, String repository, String accessKeyId, String errorCode, String message,
                     HttpServletRequest request, int status);
    }

    private final GitCredentials credentials;
    private final Authorizer authorizer;
    private final String region;
    private final String accountId;
    private final Refusals refusals;

    public GitAccess(GitCredentials credentials, Authorizer authorizer, String region, String accountId, Refusals refusals) {
        this.credentials = credentials;
        this.authorizer = authorizer;
        this.region = region;
        this.accountId = accountId;
        this.refusals = refusals;
    }

    /** What a request asks of which repository. */
    record Target(String repository, String repositoryPath, boolean push) {
        String action() {
            return push ? "codecommit:GitPush" : "codecommit:GitPull";
        }

        String operation() {
            return push ? "GitPush" : "GitPull";
        }
    }

    /** The repository and operation of a request under {@code /v1/repos/}, or empty when it names none. */
    static Optional<Target> target(String requestUri, String service) {
        String prefix = GitHttpServlet.PATH + "/";
        if (requestUri == null || !requestUri.startsWith(prefix)) {
            return Optional.empty();
        }
        Matcher m = GIT_PATH.matcher(requestUri);
        if (!m.matches()) {
            return Optional.empty();
        }
        String repositoryPath = m.group(1);
        boolean push = m.group(2).equals("/git-receive-pack") || (m.group(2).equals("/info/refs") && "git-receive-pack".equals(service));
        return HostedRepositories.normalize(repositoryPath.substring(prefix.length()))
                .map(name -> new Target(name, repositoryPath, push));
    }

    public String repositoryArn(String repository) {
        return "arn:aws:codecommit:" + region + ":" + accountId + ":" + repository;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        Optional<Target> found = target(request.getRequestURI(), request.getParameter("service"));
        if (found.isEmpty()) {
            // Not a repository (a bad name, an unknown path): nothing to open; the servlet answers 404.
            chain.doFilter(req, res);
            return;
        }
        Target target = found.get();
        GitCredentials.Caller caller;
        try {
            caller = credentials.authenticate(request.getHeader("Authorization"), request.getHeader("Host"), target.repositoryPath());
        } catch (GitCredentials.Refused refused) {
            if (!refused.missing()) {
                refusals.refused(target.operation(), target.repository(), refused.accessKeyId(), refused.errorCode(), refused.getMessage(),
                        request, 401);
            }
            request.setAttribute(REFUSED, Boolean.TRUE);
            response.setHeader("WWW-Authenticate", "Basic realm=\"Conveyor git\"");
            write(response, 401, refused.errorCode() + ": " + refused.getMessage());
            return;
        }
        request.setAttribute(ACCESS_KEY_ID, caller.accessKeyId());
        String arn = repositoryArn(target.repository());
        AuthorizationRequest ask = new AuthorizationRequest(target.action(), arn, Map.of(
                "aws:SourceIp", List.of(request.getRemoteAddr()),
                "aws:SecureTransport", List.of(Boolean.toString(request.isSecure()))));
        Decision decision = authorizer.authorize(caller.principal(), ask);
        if (!decision.allowed()) {
            String message = decision.denialMessage(caller.principal().arn(), ask);
            refusals.refused(target.operation(), target.repository(), caller.accessKeyId(), "AccessDenied", message, request, 403);
            request.setAttribute(REFUSED, Boolean.TRUE);
            write(response, 403, "AccessDenied: " + message);
            return;
        }
        chain.doFilter(req, res);
    }

    private static void write(HttpServletResponse response, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
