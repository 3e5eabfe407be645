package dev.conveyor.model.errors;

/** The service model's {@code ActionExecutionNotFoundException}. */
public final class ActionExecutionNotFoundException extends ServiceException {
    public ActionExecutionNotFoundException(String message) {
        super(message, null);
    }

    public ActionExecutionNotFoundException(String message, String path) {
        super(message, path);
    }
}
