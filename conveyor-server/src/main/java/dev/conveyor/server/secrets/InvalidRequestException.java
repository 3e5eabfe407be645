package dev.conveyor.server.secrets;

import dev.conveyor.model.errors.ServiceException;

/** The service model's {@code InvalidRequestException}. */
public final class InvalidRequestException extends ServiceException {
    public InvalidRequestException(String message) {
        super(message, null);
    }
}
