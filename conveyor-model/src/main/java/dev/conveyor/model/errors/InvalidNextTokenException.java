package dev.conveyor.model.errors;

/** The service model's {@code InvalidNextTokenException}. */
public final class InvalidNextTokenException extends ServiceException {
    public InvalidNextTokenException(String message) {
        super(message, null);
    }

    public InvalidNextTokenException(String message, String path) {
        super(message, path);
    }
}
