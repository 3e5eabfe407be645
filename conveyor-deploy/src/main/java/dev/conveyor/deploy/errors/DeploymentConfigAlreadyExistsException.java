package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentConfigAlreadyExistsException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentConfigAlreadyExistsException extends ServiceException {
    public DeploymentConfigAlreadyExistsException(String message) {
        super(message, null);
    }

    public DeploymentConfigAlreadyExistsException(String message, String path) {
        super(message, path);
    }
}
