package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidLoadBalancerInfoException (named as in the service model, which is what puts it on the wire). */
public final class InvalidLoadBalancerInfoException extends ServiceException {
    public InvalidLoadBalancerInfoException(String message) {
        super(message, null);
    }

    public InvalidLoadBalancerInfoException(String message, String path) {
        super(message, path);
    }
}
