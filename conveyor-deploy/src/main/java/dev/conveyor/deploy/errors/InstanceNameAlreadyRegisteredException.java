package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InstanceNameAlreadyRegisteredException (named as in the service model, which is what puts it on the wire). */
public final class InstanceNameAlreadyRegisteredException extends ServiceException {
    public InstanceNameAlreadyRegisteredException(String message) {
        super(message, null);
    }

    public InstanceNameAlreadyRegisteredException(String message, String path) {
        super(message, path);
    }
}
