package dev.conveyor.server.connections;

import dev.conveyor.model.errors.ServiceException;

/** The CodeConnections model's {@code ResourceUnavailableException}: the resource is in a state that refuses the request. */
public final class ResourceUnavailableException extends ServiceException {
    public ResourceUnavailableException(String message) {
        super(message, null);
    }
}
