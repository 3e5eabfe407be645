package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidComputePlatformException (named as in the service model, which is what puts it on the wire). */
public final class InvalidComputePlatformException extends ServiceException {
    public InvalidComputePlatformException(String message, String path) {
        super(message, path);
    }
}
