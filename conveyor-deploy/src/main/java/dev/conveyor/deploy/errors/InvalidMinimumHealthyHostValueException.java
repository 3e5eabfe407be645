package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidMinimumHealthyHostValueException (named as in the service model, which is what puts it on the wire). */
public final class InvalidMinimumHealthyHostValueException extends ServiceException {
    public InvalidMinimumHealthyHostValueException(String message) {
        super(message, null);
    }

    public InvalidMinimumHealthyHostValueException(String message, String path) {
        super(message, path);
    }
}
