package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentConfigDoesNotExistException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentConfigDoesNotExistException extends ServiceException {
    public DeploymentConfigDoesNotExistException(String message) {
        super(message, null);
    }

    public DeploymentConfigDoesNotExistException(String message, String path) {
        super(message, path);
    }
}
