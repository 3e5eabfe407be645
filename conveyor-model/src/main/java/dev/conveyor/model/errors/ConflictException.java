package dev.conveyor.model.errors;

/** The service model's {@code ConflictException}. */
public final class ConflictException extends ServiceException {
    public ConflictException(String message) {
        super(message, null);
    }

    public ConflictException(String message, String path) {
        super(message, path);
    }
}
