package dev.conveyor.server.codebuild;

import dev.conveyor.model.errors.ServiceException;

/** CodeBuild's {@code InvalidInputException}. */
public final class InvalidInputException extends ServiceException {
    public InvalidInputException(String message) {
        super(message, null);
    }
}
