package dev.conveyor.server.auth;

import dev.conveyor.model.errors.ServiceException;

/** The caller's policies do not allow the operation: {@code AccessDeniedException} on the AWS JSON APIs. */
public final class AccessDeniedException extends ServiceException {
    public AccessDeniedException(String message) {
        super(message, null, 400);
    }
}
