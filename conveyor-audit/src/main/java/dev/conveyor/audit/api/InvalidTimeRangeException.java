package dev.conveyor.audit.api;

import dev.conveyor.model.errors.ServiceException;

/** CloudTrail's {@code InvalidTimeRangeException}. */
public final class InvalidTimeRangeException extends ServiceException {
    public InvalidTimeRangeException(String message, String path) {
        super(message, path);
    }
}
