package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InstanceDoesNotExistException (named as in the service model, which is what puts it on the wire). */
public final class InstanceDoesNotExistException extends ServiceException {
    public InstanceDoesNotExistException(String message) {
        super(message, null);
    }

    public InstanceDoesNotExistException(String message, String path) {
        super(message, path);
    }
}
