package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's RevisionRequiredException (named as in the service model, which is what puts it on the wire). */
public final class RevisionRequiredException extends ServiceException {
    public RevisionRequiredException(String message) {
        super(message, null);
    }

    public RevisionRequiredException(String message, String path) {
        super(message, path);
    }
}
