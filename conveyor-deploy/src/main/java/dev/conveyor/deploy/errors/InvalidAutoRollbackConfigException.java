package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidAutoRollbackConfigException (named as in the service model, which is what puts it on the wire). */
public final class InvalidAutoRollbackConfigException extends ServiceException {
    public InvalidAutoRollbackConfigException(String message) {
        super(message, null);
    }

    public InvalidAutoRollbackConfigException(String message, String path) {
        super(message, path);
    }
}
