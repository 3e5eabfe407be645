package dev.conveyor.cloudwatch.errors;

/** CloudWatch's {@code InvalidFormatFault} (Query code {@code InvalidFormat}, HTTP 400). */
public final class InvalidFormatFault extends CloudWatchException {
    public InvalidFormatFault(String message, String path) {
        super(message, path, 400, "InvalidFormat");
    }
}
