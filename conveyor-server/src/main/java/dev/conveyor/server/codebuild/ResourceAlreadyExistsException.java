package dev.conveyor.server.codebuild;

import dev.conveyor.model.errors.ServiceException;

/** CodeBuild's {@code ResourceAlreadyExistsException}. */
public final class ResourceAlreadyExistsException extends ServiceException {
    public ResourceAlreadyExistsException(String message) {
        super(message, null);
    }
}
