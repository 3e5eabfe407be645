package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentGroupNameRequiredException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentGroupNameRequiredException extends ServiceException {
    public DeploymentGroupNameRequiredException(String message) {
        super(message, null);
    }

    public DeploymentGroupNameRequiredException(String message, String path) {
        super(message, path);
    }
}
