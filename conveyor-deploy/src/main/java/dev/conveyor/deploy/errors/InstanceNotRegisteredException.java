package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InstanceNotRegisteredException (named as in the service model, which is what puts it on the wire). */
public final class InstanceNotRegisteredException extends ServiceException {
    public InstanceNotRegisteredException(String message) {
        super(message, null);
    }

    public InstanceNotRegisteredException(String message, String path) {
        super(message, path);
    }
}
