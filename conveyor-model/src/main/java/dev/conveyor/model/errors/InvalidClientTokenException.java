package dev.conveyor.model.errors;

/** The service model's {@code InvalidClientTokenException}. */
public final class InvalidClientTokenException extends ServiceException {
    public InvalidClientTokenException(String message) {
        super(message, null);
    }

    public InvalidClientTokenException(String message, String path) {
        super(message, path);
    }
}
