package dev.conveyor.model.errors;

/** The service model's {@code RequestFailedException}. */
public final class RequestFailedException extends ServiceException {
    public RequestFailedException(String message) {
        super(message, null);
    }

    public RequestFailedException(String message, String path) {
        super(message, path);
    }
}
