package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentAlreadyCompletedException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentAlreadyCompletedException extends ServiceException {
    public DeploymentAlreadyCompletedException(String message) {
        super(message, null);
    }

    public DeploymentAlreadyCompletedException(String message, String path) {
        super(message, path);
    }
}
