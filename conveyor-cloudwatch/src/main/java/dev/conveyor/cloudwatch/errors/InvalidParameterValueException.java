package dev.conveyor.cloudwatch.errors;

/** CloudWatch's {@code InvalidParameterValueException} (Query code {@code InvalidParameterValue}, HTTP 400). */
public final class InvalidParameterValueException extends CloudWatchException {
    public InvalidParameterValueException(String message, String path) {
        super(message, path, 400, "InvalidParameterValue");
    }
}
