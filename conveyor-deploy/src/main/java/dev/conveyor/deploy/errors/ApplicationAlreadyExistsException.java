package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's ApplicationAlreadyExistsException (named as in the service model, which is what puts it on the wire). */
public final class ApplicationAlreadyExistsException extends ServiceException {
    public ApplicationAlreadyExistsException(String message) {
        super(message, null);
    }

    public ApplicationAlreadyExistsException(String message, String path) {
        super(message, path);
    }
}
