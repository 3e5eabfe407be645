package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentGroupDoesNotExistException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentGroupDoesNotExistException extends ServiceException {
    public DeploymentGroupDoesNotExistException(String message) {
        super(message, null);
    }

    public DeploymentGroupDoesNotExistException(String message, String path) {
        super(message, path);
    }
}
