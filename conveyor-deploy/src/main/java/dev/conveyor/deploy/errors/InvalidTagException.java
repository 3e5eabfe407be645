package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidTagException (named as in the service model, which is what puts it on the wire). */
public final class InvalidTagException extends ServiceException {
    public InvalidTagException(String message) {
        super(message, null);
    }

    public InvalidTagException(String message, String path) {
        super(message, path);
    }
}
