package dev.conveyor.functions.errors;

/** The resource already exists, or another operation is in progress. */
public final class ResourceConflictException extends LambdaException {
    public ResourceConflictException(String message, String path) {
        super(message, path, 409);
    }
}
