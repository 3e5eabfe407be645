package dev.conveyor.functions.errors;

/** The resource (function) named in the request does not exist. */
public final class ResourceNotFoundException extends LambdaException {
    public ResourceNotFoundException(String message, String path) {
        super(message, path, 404);
    }
}
