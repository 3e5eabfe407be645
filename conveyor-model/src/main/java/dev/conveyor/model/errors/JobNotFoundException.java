package dev.conveyor.model.errors;

/** The service model's {@code JobNotFoundException}. */
public final class JobNotFoundException extends ServiceException {
    public JobNotFoundException(String message) {
        super(message, null);
    }

    public JobNotFoundException(String message, String path) {
        super(message, path);
    }
}
