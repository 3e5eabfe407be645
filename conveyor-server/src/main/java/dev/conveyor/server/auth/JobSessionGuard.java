package dev.conveyor.server.auth;

import dev.conveyor.iam.identity.Principal;
import dev.conveyor.model.execution.JobStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A job's role session lives as long as its job: the temporary credentials a job's commands get (named
 * {@code conveyor-job-<job id>}) are refused once the job has ended (succeeded, failed, timed out, or gone), however
 * long their expiry still runs, so a build that leaked them (a log, an artifact) leaks nothing usable once it is over.
 * Any other principal passes through untouched; the job's state is read only for requests signed by such a session.
 */
public final class JobSessionGuard implements RequestAuthenticator {
    private final RequestAuthenticator next;
    private final String sessionPrefix;
    private final Function<String, Optional<JobStatus>> jobStatus;

    /**
     * @param sessionPrefix what job sessions' names start with, before the job's id
     * @param jobStatus     a job's status by id, empty when no such job exists
     */
    public JobSessionGuard(RequestAuthenticator next, String sessionPrefix, Function<String, Optional<JobStatus>> jobStatus) {
        this.next = next;
        this.sessionPrefix = sessionPrefix;
        this.jobStatus = jobStatus;
    }

    @Override
    public Caller authenticate(HttpServletRequest request, Optional<SigV4Credential> credential, Supplier<String> payloadHash) {
        Caller caller = next.authenticate(request, credential, payloadHash);
        if (caller.principal() instanceof Principal.AssumedRole session && session.sessionName().startsWith(sessionPrefix)) {
            String jobId = session.sessionName().substring(sessionPrefix.length());
            Optional<JobStatus> status = jobStatus.apply(jobId);
            if (status.isEmpty() || status.get().isFinished()) {
                String why = "The security token included in the request is expired: the job " + jobId + " it was issued to "
                        + status.map(s -> "has ended (" + s + ")").orElse("no longer exists");
                throw new AuthenticationException(AuthenticationException.Failure.EXPIRED_TOKEN, why, why, 0);
            }
        }
        return caller;
    }
}
