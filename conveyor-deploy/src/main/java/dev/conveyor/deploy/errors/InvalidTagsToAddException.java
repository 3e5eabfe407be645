package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidTagsToAddException (named as in the service model, which is what puts it on the wire). */
public final class InvalidTagsToAddException extends ServiceException {
    public InvalidTagsToAddException(String message) {
        super(message, null);
    }

    public InvalidTagsToAddException(String message, String path) {
        super(message, path);
    }
}
