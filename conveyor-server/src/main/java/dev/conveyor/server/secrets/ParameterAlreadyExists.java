package dev.conveyor.server.secrets;

import dev.conveyor.model.errors.ServiceException;

/** The service model's {@code ParameterAlreadyExists}. */
public final class ParameterAlreadyExists extends ServiceException {
    public ParameterAlreadyExists(String message) {
        super(message, null);
    }
}
