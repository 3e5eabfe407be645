package dev.conveyor.server.secrets;

import dev.conveyor.model.errors.ServiceException;

/** The service model's {@code ResourceExistsException}. */
public final class ResourceExistsException extends ServiceException {
    public ResourceExistsException(String message) {
        super(message, null);
    }
}
