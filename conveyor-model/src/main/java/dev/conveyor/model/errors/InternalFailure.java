package dev.conveyor.model.errors;

/** A fault of the server, not of the request: the only error sent with a 5xx status. */
public final class InternalFailure extends ServiceException {
    public InternalFailure(String message) {
        super(message, null, 500);
    }
}
