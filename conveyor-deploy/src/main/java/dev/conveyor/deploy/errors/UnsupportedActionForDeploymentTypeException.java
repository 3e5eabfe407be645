package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's UnsupportedActionForDeploymentTypeException (named as in the service model, which is what puts it on the wire). */
public final class UnsupportedActionForDeploymentTypeException extends ServiceException {
    public UnsupportedActionForDeploymentTypeException(String message) {
        super(message, null);
    }

    public UnsupportedActionForDeploymentTypeException(String message, String path) {
        super(message, path);
    }
}
