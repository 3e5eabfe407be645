package dev.conveyor.events.rules;

import dev.conveyor.model.errors.ServiceException;

/** EventBridge's (and CodeStar Notifications') {@code ResourceAlreadyExistsException}, named as in the service models. */
public final class ResourceAlreadyExistsException extends ServiceException {
    public ResourceAlreadyExistsException(String message, String path) {
        super(message, path);
    }
}
