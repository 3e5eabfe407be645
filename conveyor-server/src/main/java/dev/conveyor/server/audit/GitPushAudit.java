package dev.conveyor.server.audit;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Records pushes to hosted repositories: git's smart HTTP sends each push as one {@code POST …/git-receive-pack}, so
 * a filter in front of the git servlet sees every push, whichever way it ended (with the access key that
 * {@link dev.conveyor.server.git.GitAccess} authenticated). Fetches and clones are not recorded, except when refused
 * (GitAccess records refusals).
 */
public final class GitPushAudit implements Filter {
    private static final String RECEIVE_PACK = "/git-receive-pack";

    private final CallAuditor auditor;
    private final String prefix;

    /** @param prefix the path hosted repositories are served under, e.g. {@code /v1/repos/} */
    public GitPushAudit(CallAuditor auditor, String prefix) {
        this.auditor = auditor;
        this.prefix = prefix;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String path = http.getRequestURI();
        boolean push = "POST".equals(http.getMethod()) && path.startsWith(prefix) && path.endsWith(RECEIVE_PACK);
        try {
            chain.doFilter(request, response);
        } finally {
            if (push && request.getAttribute(dev.conveyor.server.git.GitAccess.REFUSED) == null) { // refusals: GitAccess records them
                String repository = path.substring(prefix.length(), path.length() - RECEIVE_PACK.length());
                auditor.gitPush(repository.endsWith(".git") ? repository.substring(0, repository.length() - 4) : repository, http,
                        (HttpServletResponse) response);
            }
        }
    }
}
