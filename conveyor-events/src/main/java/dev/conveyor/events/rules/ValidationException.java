package dev.conveyor.events.rules;

import dev.conveyor.model.errors.ServiceException;

/** EventBridge's (and CodeStar Notifications') {@code ValidationException}, named as in the service models. */
public final class ValidationException extends ServiceException {
    public ValidationException(String message, String path) {
        super(message, path);
    }
}
