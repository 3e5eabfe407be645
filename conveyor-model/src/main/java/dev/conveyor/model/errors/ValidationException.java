package dev.conveyor.model.errors;

/** The service model's {@code ValidationException}. */
public final class ValidationException extends ServiceException {
    public ValidationException(String message) {
        super(message, null);
    }

    public ValidationException(String message, String path) {
        super(message, path);
    }
}
