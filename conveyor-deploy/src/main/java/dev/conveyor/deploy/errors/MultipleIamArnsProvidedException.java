package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's MultipleIamArnsProvidedException (named as in the service model, which is what puts it on the wire). */
public final class MultipleIamArnsProvidedException extends ServiceException {
    public MultipleIamArnsProvidedException(String message) {
        super(message, null);
    }

    public MultipleIamArnsProvidedException(String message, String path) {
        super(message, path);
    }
}
