package dev.conveyor.model.errors;

/** The service model's {@code InvalidBlockerDeclarationException}. */
public final class InvalidBlockerDeclarationException extends ServiceException {
    public InvalidBlockerDeclarationException(String message) {
        super(message, null);
    }

    public InvalidBlockerDeclarationException(String message, String path) {
        super(message, path);
    }
}
