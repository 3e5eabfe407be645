package dev.conveyor.functions.errors;

/** The request body could not be parsed as JSON, or a request header is invalid. */
public final class InvalidRequestContentException extends LambdaException {
    public InvalidRequestContentException(String message, String path) {
        super(message, path, 400);
    }
}
