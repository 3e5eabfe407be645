package dev.conveyor.server.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * Decides who a request comes from, or refuses it. The server asks this once per request before routing to any
 * API; verifying signatures against stored keys is one implementation of this interface.
 */
public interface RequestAuthenticator {
    Caller authenticate(HttpServletRequest request, Optional<SigV4Credential> credential);

    /**
     * Accepts any well-formed signature, from any credentials, and unsigned requests: the default until IAM-style
     * keys are configured. Signature values are not checked.
     */
    static RequestAuthenticator acceptAny() {
        return (request, credential) -> credential.map(c -> new Caller(c.accessKeyId())).orElse(Caller.ANONYMOUS);
    }
}
