package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidDeploymentStatusException (named as in the service model, which is what puts it on the wire). */
public final class InvalidDeploymentStatusException extends ServiceException {
    public InvalidDeploymentStatusException(String message) {
        super(message, null);
    }

    public InvalidDeploymentStatusException(String message, String path) {
        super(message, path);
    }
}
