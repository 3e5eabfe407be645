package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidInputException (named as in the service model, which is what puts it on the wire). */
public final class InvalidInputException extends ServiceException {
    public InvalidInputException(String message) {
        super(message, null);
    }

    public InvalidInputException(String message, String path) {
        super(message, path);
    }
}
