package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentGroupAlreadyExistsException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentGroupAlreadyExistsException extends ServiceException {
    public DeploymentGroupAlreadyExistsException(String message) {
        super(message, null);
    }

    public DeploymentGroupAlreadyExistsException(String message, String path) {
        super(message, path);
    }
}
