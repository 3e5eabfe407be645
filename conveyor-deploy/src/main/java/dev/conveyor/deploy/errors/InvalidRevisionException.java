package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidRevisionException (named as in the service model, which is what puts it on the wire). */
public final class InvalidRevisionException extends ServiceException {
    public InvalidRevisionException(String message) {
        super(message, null);
    }

    public InvalidRevisionException(String message, String path) {
        super(message, path);
    }
}
