package dev.conveyor.model.errors;

/** The service model's {@code ActionTypeNotFoundException}. */
public final class ActionTypeNotFoundException extends ServiceException {
    public ActionTypeNotFoundException(String message) {
        super(message, null);
    }

    public ActionTypeNotFoundException(String message, String path) {
        super(message, path);
    }
}
