package dev.conveyor.model.errors;

/** The service model's {@code InvalidJobException}. */
public final class InvalidJobException extends ServiceException {
    public InvalidJobException(String message) {
        super(message, null);
    }

    public InvalidJobException(String message, String path) {
        super(message, path);
    }
}
