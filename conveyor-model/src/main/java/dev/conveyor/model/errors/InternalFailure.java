package dev.conveyor.model.errors;

/** A fault of the server, not of the request, sent with a 500 status (a passing one is {@link ServiceUnavailable}). */
public final class InternalFailure extends ServiceException {
    public InternalFailure(String message) {
        super(message, null, 500);
    }
}
