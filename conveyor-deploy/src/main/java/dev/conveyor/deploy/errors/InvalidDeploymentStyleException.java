package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidDeploymentStyleException (named as in the service model, which is what puts it on the wire). */
public final class InvalidDeploymentStyleException extends ServiceException {
    public InvalidDeploymentStyleException(String message) {
        super(message, null);
    }

    public InvalidDeploymentStyleException(String message, String path) {
        super(message, path);
    }
}
