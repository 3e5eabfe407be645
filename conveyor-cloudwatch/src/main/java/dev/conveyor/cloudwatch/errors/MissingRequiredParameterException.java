package dev.conveyor.cloudwatch.errors;

/** CloudWatch's {@code MissingRequiredParameterException} (Query code {@code MissingParameter}, HTTP 400). */
public final class MissingRequiredParameterException extends CloudWatchException {
    public MissingRequiredParameterException(String message, String path) {
        super(message, path, 400, "MissingParameter");
    }
}
