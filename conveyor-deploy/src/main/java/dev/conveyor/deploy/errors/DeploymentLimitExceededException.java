package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentLimitExceededException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentLimitExceededException extends ServiceException {
    public DeploymentLimitExceededException(String message) {
        super(message, null);
    }

    public DeploymentLimitExceededException(String message, String path) {
        super(message, path);
    }
}
