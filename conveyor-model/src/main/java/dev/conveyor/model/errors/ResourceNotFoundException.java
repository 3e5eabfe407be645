package dev.conveyor.model.errors;

/** The service model's {@code ResourceNotFoundException}. */
public final class ResourceNotFoundException extends ServiceException {
    public ResourceNotFoundException(String message) {
        super(message, null);
    }

    public ResourceNotFoundException(String message, String path) {
        super(message, path);
    }
}
