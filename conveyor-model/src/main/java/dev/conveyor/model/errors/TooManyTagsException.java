package dev.conveyor.model.errors;

/** The service model's {@code TooManyTagsException}. */
public final class TooManyTagsException extends ServiceException {
    public TooManyTagsException(String message) {
        super(message, null);
    }

    public TooManyTagsException(String message, String path) {
        super(message, path);
    }
}
