package dev.conveyor.model.errors;

/** The X-Amz-Target names an operation this server does not serve (yet). */
public final class UnknownOperationException extends ServiceException {
    public UnknownOperationException(String message) {
        super(message, null);
    }
}
