package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentConfigInUseException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentConfigInUseException extends ServiceException {
    public DeploymentConfigInUseException(String message) {
        super(message, null);
    }

    public DeploymentConfigInUseException(String message, String path) {
        super(message, path);
    }
}
