package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidOperationException (named as in the service model, which is what puts it on the wire). */
public final class InvalidOperationException extends ServiceException {
    public InvalidOperationException(String message) {
        super(message, null);
    }

    public InvalidOperationException(String message, String path) {
        super(message, path);
    }
}
