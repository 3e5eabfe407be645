package dev.conveyor.events.rules;

import dev.conveyor.model.errors.ServiceException;

/** EventBridge's (and CodeStar Notifications') {@code ResourceNotFoundException}, named as in the service models. */
public final class ResourceNotFoundException extends ServiceException {
    public ResourceNotFoundException(String message, String path) {
        super(message, path);
    }
}
