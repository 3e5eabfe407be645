package dev.conveyor.model.errors;

/** The service model's {@code InvalidTagsException}. */
public final class InvalidTagsException extends ServiceException {
    public InvalidTagsException(String message) {
        super(message, null);
    }

    public InvalidTagsException(String message, String path) {
        super(message, path);
    }
}
