package dev.conveyor.events.rules;

import dev.conveyor.model.errors.ServiceException;

/** EventBridge's error for a pattern that does not parse or uses what is not supported. */
public final class InvalidEventPatternException extends ServiceException {
    public InvalidEventPatternException(String message) {
        super(message, "EventPattern");
    }
}
