package dev.conveyor.cloudwatch.errors;

/** CloudWatch's {@code InvalidParameterCombinationException} (Query code {@code InvalidParameterCombination}, HTTP 400). */
public final class InvalidParameterCombinationException extends CloudWatchException {
    public InvalidParameterCombinationException(String message, String path) {
        super(message, path, 400, "InvalidParameterCombination");
    }
}
