package dev.conveyor.model.errors;

/** The service model's {@code UnableToRollbackStageException}. */
public final class UnableToRollbackStageException extends ServiceException {
    public UnableToRollbackStageException(String message) {
        super(message, null);
    }

    public UnableToRollbackStageException(String message, String path) {
        super(message, path);
    }
}
