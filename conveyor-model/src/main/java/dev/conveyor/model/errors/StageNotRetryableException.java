package dev.conveyor.model.errors;

/** The service model's {@code StageNotRetryableException}. */
public final class StageNotRetryableException extends ServiceException {
    public StageNotRetryableException(String message) {
        super(message, null);
    }

    public StageNotRetryableException(String message, String path) {
        super(message, path);
    }
}
