package dev.conveyor.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.store.JobCredentialRepository;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Authenticates requests signed with a job's temporary artifact credentials: the signature is verified with the
 * issued secret, the credentials must not have expired, and the caller is scoped to that job's artifacts. Any
 * other request is passed to the next authenticator.
 */
public final class JobCredentialAuthenticator implements RequestAuthenticator {
    private final JobCredentialRepository credentials;
    private final Function<String, Optional<String>> jobDataById;
    private final RequestAuthenticator next;
    private final Clock clock;

    /** @param jobDataById the stored data (JSON) of a job by id */
    public JobCredentialAuthenticator(JobCredentialRepository credentials, Function<String, Optional<String>> jobDataById,
                                      RequestAuthenticator next, Clock clock) {
        this.credentials = credentials;
        this.jobDataById = jobDataById;
        this.next = next;
        this.clock = clock;
    }

    @Override
    public Caller authenticate(HttpServletRequest request, Optional<SigV4Credential> credential,
                               java.util.function.Supplier<String> payloadHash) {
        String keyId = credential.map(SigV4Credential::accessKeyId).orElseGet(() -> presignedKey(request));
        if (keyId == null || !keyId.startsWith("ASIA")) {
            return next.authenticate(request, credential, payloadHash);
        }
        Optional<JobCredentialRepository.JobCredential> issued = credentials.find(keyId);
        if (issued.isEmpty()) {
            return next.authenticate(request, credential, payloadHash);
        }
        JobCredentialRepository.JobCredential job = issued.get();
        if (clock.instant().isAfter(job.expiresAt())) {
            throw new AccessDenied("ExpiredToken", "The provided token has expired.");
        }
        String token = request.getHeader("x-amz-security-token");
        if (token == null) {
            token = request.getParameter("X-Amz-Security-Token");
        }
        if (token == null || !java.security.MessageDigest.isEqual(job.sessionToken().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                token.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw new AccessDenied("InvalidToken", "The provided token is malformed or otherwise invalid.");
        }
        // S3 names its payload hash in a header (presigned URLs are unsigned); other APIs sign the body's hash, e.g. a Lambda
        // invoke action's function reporting its job's result with these credentials.
        String bodyHash = request.getHeader("x-amz-content-sha256") == null && presignedKey(request) == null ? payloadHash.get()
                : "UNSIGNED-PAYLOAD";
        SigV4Verifier.Result result = SigV4Verifier.verify(request, job.secretAccessKey(), bodyHash, clock.instant());
        if (!result.valid()) {
            throw new AccessDenied(result.errorCode(), result.message());
        }
        return new Caller(keyId, scopeOf(job.jobId()));
    }

    private JobScope scopeOf(String jobId) {
        String data = jobDataById.apply(jobId).orElseThrow(() -> new AccessDenied("InvalidToken", "The job of these credentials is gone."));
        JsonNode jobData;
        try {
            jobData = ConveyorJson.mapper().readTree(data).path("jobData");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new JobScope(jobId, locations(jobData.path("inputArtifacts")), locations(jobData.path("outputArtifacts")));
    }

    private static Set<String> locations(JsonNode artifacts) {
        Set<String> result = new HashSet<>();
        for (JsonNode a : artifacts) {
            JsonNode s3 = a.path("location").path("s3Location");
            result.add(s3.path("bucketName").asText() + "/" + s3.path("objectKey").asText());
        }
        return result;
    }

    private static String presignedKey(HttpServletRequest request) {
        String credential = request.getParameter("X-Amz-Credential");
        return credential == null ? null : credential.split("/")[0];
    }

    /** Refused credentials; the S3 endpoint answers with the code, the JSON APIs with AccessDeniedException. */
    public static final class AccessDenied extends ServiceException {
        private final String code;

        public AccessDenied(String code, String message) {
            super(message, null, 403);
            this.code = code;
        }

        /** The S3 error code (AccessDenied, SignatureDoesNotMatch, ExpiredToken…). */
        public String code() {
            return code;
        }

        @Override
        public String errorType() {
            return "AccessDeniedException";
        }
    }
}
