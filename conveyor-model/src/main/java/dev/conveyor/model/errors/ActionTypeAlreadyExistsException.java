package dev.conveyor.model.errors;

/** The service model's {@code ActionTypeAlreadyExistsException}. */
public final class ActionTypeAlreadyExistsException extends ServiceException {
    public ActionTypeAlreadyExistsException(String message) {
        super(message, null);
    }

    public ActionTypeAlreadyExistsException(String message, String path) {
        super(message, path);
    }
}
