package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidTargetInstancesException (named as in the service model, which is what puts it on the wire). */
public final class InvalidTargetInstancesException extends ServiceException {
    public InvalidTargetInstancesException(String message) {
        super(message, null);
    }

    public InvalidTargetInstancesException(String message, String path) {
        super(message, path);
    }
}
