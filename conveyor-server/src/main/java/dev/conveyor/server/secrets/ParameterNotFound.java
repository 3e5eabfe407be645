package dev.conveyor.server.secrets;

import dev.conveyor.model.errors.ServiceException;

/** The service model's {@code ParameterNotFound}. */
public final class ParameterNotFound extends ServiceException {
    public ParameterNotFound(String message) {
        super(message, null);
    }
}
