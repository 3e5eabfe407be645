package dev.conveyor.audit.api;

import dev.conveyor.model.errors.ServiceException;

/** CloudTrail's {@code InvalidLookupAttributesException}. */
public final class InvalidLookupAttributesException extends ServiceException {
    public InvalidLookupAttributesException(String message, String path) {
        super(message, path);
    }
}
