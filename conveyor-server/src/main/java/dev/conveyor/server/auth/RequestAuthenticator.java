package dev.conveyor.server.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides who a request comes from, or refuses it (with an {@link AuthenticationException}). The server asks this
 * once per request before any API acts on it; {@link SignatureAuthenticator} verifies signatures against the keys
 * IAM holds, {@link JobCredentialAuthenticator} the temporary credentials of jobs.
 */
public interface RequestAuthenticator {
    /**
     * @param payloadHash the hex SHA-256 of the body, asked for only when the request does not declare it in
     *                    {@code x-amz-content-sha256} (services other than S3 sign the body without that header);
     *                    null: {@code UNSIGNED-PAYLOAD}
     */
    Caller authenticate(HttpServletRequest request, Optional<SigV4Credential> credential, Supplier<String> payloadHash);

    default Caller authenticate(HttpServletRequest request, Optional<SigV4Credential> credential) {
        return authenticate(request, credential, null);
    }

    /**
     * Accepts any well-formed signature, from any credentials, and unsigned requests: {@code --auth none}, for
     * throwaway local use. Signature values are not checked.
     */
    static RequestAuthenticator acceptAny() {
        return (request, credential, payloadHash) -> credential.map(c -> new Caller(c.accessKeyId())).orElse(Caller.ANONYMOUS);
    }
}
