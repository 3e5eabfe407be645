package dev.conveyor.cloudwatch.errors;

/** CloudWatch's {@code LimitExceededFault} (Query code {@code LimitExceeded}, HTTP 400). */
public final class LimitExceededFault extends CloudWatchException {
    public LimitExceededFault(String message, String path) {
        super(message, path, 400, "LimitExceeded");
    }
}
