package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidFileExistsBehaviorException (named as in the service model, which is what puts it on the wire). */
public final class InvalidFileExistsBehaviorException extends ServiceException {
    public InvalidFileExistsBehaviorException(String message) {
        super(message, null);
    }

    public InvalidFileExistsBehaviorException(String message, String path) {
        super(message, path);
    }
}
