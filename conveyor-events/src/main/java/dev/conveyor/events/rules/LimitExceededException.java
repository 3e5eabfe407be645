package dev.conveyor.events.rules;

import dev.conveyor.model.errors.ServiceException;

/** EventBridge's (and CodeStar Notifications') {@code LimitExceededException}, named as in the service models. */
public final class LimitExceededException extends ServiceException {
    public LimitExceededException(String message, String path) {
        super(message, path);
    }
}
