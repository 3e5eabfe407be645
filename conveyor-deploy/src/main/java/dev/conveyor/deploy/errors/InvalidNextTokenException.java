package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidNextTokenException (named as in the service model, which is what puts it on the wire). */
public final class InvalidNextTokenException extends ServiceException {
    public InvalidNextTokenException(String message) {
        super(message, null);
    }

    public InvalidNextTokenException(String message, String path) {
        super(message, path);
    }
}
