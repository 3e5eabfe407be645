package dev.conveyor.functions.errors;

/** One of the parameters in the request is not valid; the message names it. */
public final class InvalidParameterValueException extends LambdaException {
    public InvalidParameterValueException(String message, String path) {
        super(message, path, 400);
    }
}
