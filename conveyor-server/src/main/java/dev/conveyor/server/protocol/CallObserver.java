package dev.conveyor.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Told of every AWS JSON call once it is answered (the audit trail listens). {@code service} and {@code input} are null
 * when the request failed before they were known; {@code error} is null on success.
 */
@FunctionalInterface
public interface CallObserver {
    CallObserver NONE = (service, operation, input, error, request, context) -> { };

    void completed(JsonService service, String operation, JsonNode input, dev.conveyor.model.errors.ServiceException error,
                   HttpServletRequest request, RequestContext context);
}
