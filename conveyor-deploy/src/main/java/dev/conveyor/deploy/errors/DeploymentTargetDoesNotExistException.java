package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentTargetDoesNotExistException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentTargetDoesNotExistException extends ServiceException {
    public DeploymentTargetDoesNotExistException(String message) {
        super(message, null);
    }

    public DeploymentTargetDoesNotExistException(String message, String path) {
        super(message, path);
    }
}
