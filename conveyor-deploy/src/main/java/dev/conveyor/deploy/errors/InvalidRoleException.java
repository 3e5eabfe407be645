package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidRoleException (named as in the service model, which is what puts it on the wire). */
public final class InvalidRoleException extends ServiceException {
    public InvalidRoleException(String message) {
        super(message, null);
    }

    public InvalidRoleException(String message, String path) {
        super(message, path);
    }
}
