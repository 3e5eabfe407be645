package dev.conveyor.server.secrets;

import dev.conveyor.model.errors.ServiceException;

/** The service model's {@code InvalidNextToken}. */
public final class InvalidNextToken extends ServiceException {
    public InvalidNextToken(String message) {
        super(message, null);
    }
}
