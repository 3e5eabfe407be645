package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's InvalidAlarmConfigException (named as in the service model, which is what puts it on the wire). */
public final class InvalidAlarmConfigException extends ServiceException {
    public InvalidAlarmConfigException(String message) {
        super(message, null);
    }

    public InvalidAlarmConfigException(String message, String path) {
        super(message, path);
    }
}
