package dev.conveyor.functions.errors;

/**
 * The function's or the server's concurrency limit is reached (429). {@link #reason()} is the body's {@code Reason},
 * as Lambda sends it: {@code ReservedFunctionConcurrentInvocationLimitExceeded} or {@code ConcurrentInvocationLimitExceeded}.
 */
public final class TooManyRequestsException extends LambdaException {
    private final String reason;

    public TooManyRequestsException(String message, String reason) {
        super(message, null, 429);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
