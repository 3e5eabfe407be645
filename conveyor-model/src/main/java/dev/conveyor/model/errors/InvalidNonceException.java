package dev.conveyor.model.errors;

/** The service model's {@code InvalidNonceException}. */
public final class InvalidNonceException extends ServiceException {
    public InvalidNonceException(String message) {
        super(message, null);
    }

    public InvalidNonceException(String message, String path) {
        super(message, path);
    }
}
