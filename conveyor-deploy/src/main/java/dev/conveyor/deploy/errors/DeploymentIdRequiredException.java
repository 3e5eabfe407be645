package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentIdRequiredException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentIdRequiredException extends ServiceException {
    public DeploymentIdRequiredException(String message) {
        super(message, null);
    }

    public DeploymentIdRequiredException(String message, String path) {
        super(message, path);
    }
}
