package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentConfigNameRequiredException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentConfigNameRequiredException extends ServiceException {
    public DeploymentConfigNameRequiredException(String message) {
        super(message, null);
    }

    public DeploymentConfigNameRequiredException(String message, String path) {
        super(message, path);
    }
}
