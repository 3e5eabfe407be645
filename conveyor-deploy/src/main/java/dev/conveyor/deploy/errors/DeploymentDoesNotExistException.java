package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentDoesNotExistException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentDoesNotExistException extends ServiceException {
    public DeploymentDoesNotExistException(String message) {
        super(message, null);
    }

    public DeploymentDoesNotExistException(String message, String path) {
        super(message, path);
    }
}
