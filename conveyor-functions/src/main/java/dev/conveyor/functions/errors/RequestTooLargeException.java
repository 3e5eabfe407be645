package dev.conveyor.functions.errors;

/** The request payload exceeded the invocation payload limit (6 MB), or a code zip the code size limit. */
public final class RequestTooLargeException extends LambdaException {
    public RequestTooLargeException(String message, String path) {
        super(message, path, 413);
    }
}
