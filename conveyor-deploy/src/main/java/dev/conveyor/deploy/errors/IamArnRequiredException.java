package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's IamArnRequiredException (named as in the service model, which is what puts it on the wire). */
public final class IamArnRequiredException extends ServiceException {
    public IamArnRequiredException(String message) {
        super(message, null);
    }

    public IamArnRequiredException(String message, String path) {
        super(message, path);
    }
}
