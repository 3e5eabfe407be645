package dev.conveyor.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.server.auth.Caller;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What an AWS JSON request passes before its operation runs: authentication, once its body is read (the signature
 * covers the body's hash), and authorization, once its input is parsed and valid (the resource is named in it).
 * Either throws a {@link dev.conveyor.model.errors.ServiceException} to refuse.
 */
public interface RequestGate {
    /** Who signed the request whose body is {@code body}. */
    Caller authenticate(HttpServletRequest request, byte[] body);

    /** Refuses unless {@code context.caller()} may call {@code signingName:operation} with {@code input}. */
    void authorize(String signingName, String operation, JsonNode input, RequestContext context, HttpServletRequest request);

    /** No authentication and no authorization (unit tests of the protocol itself). */
    RequestGate OPEN = new RequestGate() {
        @Override
        public Caller authenticate(HttpServletRequest request, byte[] body) {
            return Caller.ANONYMOUS;
        }

        @Override
        public void authorize(String signingName, String operation, JsonNode input, RequestContext context, HttpServletRequest request) {
        }
    };
}
