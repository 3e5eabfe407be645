package dev.conveyor.server.protocol;

import dev.conveyor.model.errors.ServiceException;

/**
 * The server is busy: here, the heap set aside for parsing request bodies stayed taken for longer than a request
 * may wait. AWS SDKs recognise the type and retry with backoff.
 */
public final class ThrottlingException extends ServiceException {
    public ThrottlingException(String message) {
        super(message, null, 400);
    }
}
