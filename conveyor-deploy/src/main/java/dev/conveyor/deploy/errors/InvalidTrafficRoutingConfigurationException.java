package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidTrafficRoutingConfigurationException (named as in the service model, which is what puts it on the wire). */
public final class InvalidTrafficRoutingConfigurationException extends ServiceException {
    public InvalidTrafficRoutingConfigurationException(String message) {
        super(message, null);
    }

    public InvalidTrafficRoutingConfigurationException(String message, String path) {
        super(message, path);
    }
}
