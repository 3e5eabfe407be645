package dev.conveyor.model.errors;

/** The service model's {@code InvalidArnException}. */
public final class InvalidArnException extends ServiceException {
    public InvalidArnException(String message) {
        super(message, null);
    }

    public InvalidArnException(String message, String path) {
        super(message, path);
    }
}
