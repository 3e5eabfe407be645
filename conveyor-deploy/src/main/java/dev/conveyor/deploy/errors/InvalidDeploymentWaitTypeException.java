package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidDeploymentWaitTypeException (named as in the service model, which is what puts it on the wire). */
public final class InvalidDeploymentWaitTypeException extends ServiceException {
    public InvalidDeploymentWaitTypeException(String message) {
        super(message, null);
    }

    public InvalidDeploymentWaitTypeException(String message, String path) {
        super(message, path);
    }
}
