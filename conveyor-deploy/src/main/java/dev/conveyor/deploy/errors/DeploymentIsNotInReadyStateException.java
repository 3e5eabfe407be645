package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentIsNotInReadyStateException (named as in the service model, which is what puts it on the wire). */
public final class DeploymentIsNotInReadyStateException extends ServiceException {
    public DeploymentIsNotInReadyStateException(String message) {
        super(message, null);
    }

    public DeploymentIsNotInReadyStateException(String message, String path) {
        super(message, path);
    }
}
