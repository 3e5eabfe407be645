package dev.conveyor.functions.errors;

/** Lambda's own failure (500): something on the server went wrong, not in the request. Named as in the model. */
public final class ServiceException extends LambdaException {
    public ServiceException(String message) {
        super(message, null, 500);
    }
}
