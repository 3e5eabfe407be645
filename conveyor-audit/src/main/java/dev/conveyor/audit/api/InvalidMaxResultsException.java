package dev.conveyor.audit.api;

import dev.conveyor.model.errors.ServiceException;

/** CloudTrail's {@code InvalidMaxResultsException}. */
public final class InvalidMaxResultsException extends ServiceException {
    public InvalidMaxResultsException(String message, String path) {
        super(message, path);
    }
}
