package dev.conveyor.functions.errors;

import dev.conveyor.model.errors.ServiceException;

/**
 * An error of the Lambda API: the wire type ({@code x-amzn-ErrorType}) is the simple class name, as in botocore's
 * {@code lambda} model, and {@link #faultType()} is the body's {@code Type} ({@code User} or {@code Service}).
 */
public abstract class LambdaException extends ServiceException {
    protected LambdaException(String message, String path, int httpStatus) {
        super(message, path, httpStatus);
    }

    /** Who is at fault, as Lambda's error bodies say: {@code User} for 4xx, {@code Service} for 5xx. */
    public String faultType() {
        return httpStatus() >= 500 ? "Service" : "User";
    }
}
