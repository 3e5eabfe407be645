package dev.conveyor.model.errors;

/** The service model's {@code ActionNotFoundException}. */
public final class ActionNotFoundException extends ServiceException {
    public ActionNotFoundException(String message) {
        super(message, null);
    }

    public ActionNotFoundException(String message, String path) {
        super(message, path);
    }
}
