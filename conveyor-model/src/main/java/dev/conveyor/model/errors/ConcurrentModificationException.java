package dev.conveyor.model.errors;

/** The service model's {@code ConcurrentModificationException}. */
public final class ConcurrentModificationException extends ServiceException {
    public ConcurrentModificationException(String message) {
        super(message, null);
    }

    public ConcurrentModificationException(String message, String path) {
        super(message, path);
    }
}
