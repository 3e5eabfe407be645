package dev.conveyor.model.errors;

/** The service model's {@code StageNotFoundException}. */
public final class StageNotFoundException extends ServiceException {
    public StageNotFoundException(String message) {
        super(message, null);
    }

    public StageNotFoundException(String message, String path) {
        super(message, path);
    }
}
