package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidBlueGreenDeploymentConfigurationException (named as in the service model, which is what puts it on the wire). */
public final class InvalidBlueGreenDeploymentConfigurationException extends ServiceException {
    public InvalidBlueGreenDeploymentConfigurationException(String message) {
        super(message, null);
    }

    public InvalidBlueGreenDeploymentConfigurationException(String message, String path) {
        super(message, path);
    }
}
