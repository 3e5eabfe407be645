package dev.conveyor.model.errors;

/** The service model's {@code InvalidJobStateException}. */
public final class InvalidJobStateException extends ServiceException {
    public InvalidJobStateException(String message) {
        super(message, null);
    }

    public InvalidJobStateException(String message, String path) {
        super(message, path);
    }
}
