package dev.conveyor.model.errors;

/** The service model's {@code InvalidStageDeclarationException}. */
public final class InvalidStageDeclarationException extends ServiceException {
    public InvalidStageDeclarationException(String message) {
        super(message, null);
    }

    public InvalidStageDeclarationException(String message, String path) {
        super(message, path);
    }
}
