package dev.conveyor.model.errors;

/** The service model's {@code LimitExceededException}. */
public final class LimitExceededException extends ServiceException {
    public LimitExceededException(String message) {
        super(message, null);
    }

    public LimitExceededException(String message, String path) {
        super(message, path);
    }
}
