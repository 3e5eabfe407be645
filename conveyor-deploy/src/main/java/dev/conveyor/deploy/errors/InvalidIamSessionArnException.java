package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidIamSessionArnException (named as in the service model, which is what puts it on the wire). */
public final class InvalidIamSessionArnException extends ServiceException {
    public InvalidIamSessionArnException(String message) {
        super(message, null);
    }

    public InvalidIamSessionArnException(String message, String path) {
        super(message, path);
    }
}
