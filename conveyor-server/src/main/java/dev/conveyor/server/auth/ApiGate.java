package dev.conveyor.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.protocol.RequestGate;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The gate of the AWS JSON APIs: the signature verified by the authenticator with the body's SHA-256 (the JSON
 * services sign the body without declaring its hash), then the operation authorized by {@link OperationAuthorizer}.
 */
public final class ApiGate implements RequestGate {
    private final RequestAuthenticator authenticator;
    private final OperationAuthorizer authorizer;

    public ApiGate(RequestAuthenticator authenticator, OperationAuthorizer authorizer) {
        this.authenticator = authenticator;
        this.authorizer = authorizer;
    }

    @Override
    public Caller authenticate(HttpServletRequest request, byte[] body) {
        Optional<SigV4Credential> credential = SigV4Credential.fromAuthorization(request.getHeader("Authorization"));
        if (credential.isEmpty()) {
            String presigned = request.getParameter("X-Amz-Credential");
            credential = presigned == null ? Optional.empty() : Optional.of(SigV4Credential.fromScope(presigned));
        }
        String declared = request.getHeader("x-amz-content-sha256");
        if (declared != null && credential.isPresent() && !declared.equals(SignatureAuthenticator.sha256Hex(body))) {
            // The signature covers the declared hash: a body that differs from it was not what was signed.
            throw new AuthenticationException(AuthenticationException.Failure.BAD_SIGNATURE);
        }
        return authenticator.authenticate(request, credential, () -> SignatureAuthenticator.sha256Hex(body));
    }

    @Override
    public void authorize(String signingName, String operation, JsonNode input, RequestContext context, HttpServletRequest request) {
        authorizer.authorizeJson(signingName, operation, input, context.caller(), request);
    }
}
