package dev.conveyor.server.protocol;

import dev.conveyor.model.errors.ServiceException;

/** The request body arrived too slowly (see MinimumRequestDataRate); AWS SDKs retry this type. */
public final class RequestTimeoutException extends ServiceException {
    public RequestTimeoutException(String message) {
        super(message, null, 408);
    }
}
