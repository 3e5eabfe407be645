package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's ApplicationNameRequiredException (named as in the service model, which is what puts it on the wire). */
public final class ApplicationNameRequiredException extends ServiceException {
    public ApplicationNameRequiredException(String message) {
        super(message, null);
    }

    public ApplicationNameRequiredException(String message, String path) {
        super(message, path);
    }
}
