package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's ApplicationDoesNotExistException (named as in the service model, which is what puts it on the wire). */
public final class ApplicationDoesNotExistException extends ServiceException {
    public ApplicationDoesNotExistException(String message) {
        super(message, null);
    }

    public ApplicationDoesNotExistException(String message, String path) {
        super(message, path);
    }
}
