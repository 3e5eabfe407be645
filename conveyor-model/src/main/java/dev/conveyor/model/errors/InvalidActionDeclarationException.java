package dev.conveyor.model.errors;

/** The service model's {@code InvalidActionDeclarationException}. */
public final class InvalidActionDeclarationException extends ServiceException {
    public InvalidActionDeclarationException(String message) {
        super(message, null);
    }

    public InvalidActionDeclarationException(String message, String path) {
        super(message, path);
    }
}
