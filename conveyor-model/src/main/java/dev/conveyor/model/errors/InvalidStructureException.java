package dev.conveyor.model.errors;

/** The service model's {@code InvalidStructureException}. */
public final class InvalidStructureException extends ServiceException {
    public InvalidStructureException(String message) {
        super(message, null);
    }

    public InvalidStructureException(String message, String path) {
        super(message, path);
    }
}
