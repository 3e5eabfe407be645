package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidDeploymentConfigNameException (named as in the service model, which is what puts it on the wire). */
public final class InvalidDeploymentConfigNameException extends ServiceException {
    public InvalidDeploymentConfigNameException(String message) {
        super(message, null);
    }

    public InvalidDeploymentConfigNameException(String message, String path) {
        super(message, path);
    }
}
