package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's BatchLimitExceededException (named as in the service model, which is what puts it on the wire). */
public final class BatchLimitExceededException extends ServiceException {
    public BatchLimitExceededException(String message) {
        super(message, null);
    }

    public BatchLimitExceededException(String message, String path) {
        super(message, path);
    }
}
