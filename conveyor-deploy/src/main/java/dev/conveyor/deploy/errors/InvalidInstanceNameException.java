package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidInstanceNameException (named as in the service model, which is what puts it on the wire). */
public final class InvalidInstanceNameException extends ServiceException {
    public InvalidInstanceNameException(String message, String path) {
        super(message, path);
    }
}
