package dev.conveyor.cloudwatch.errors;

/** CloudWatch's {@code InvalidNextToken} (Query code {@code InvalidNextToken}, HTTP 400). */
public final class InvalidNextToken extends CloudWatchException {
    public InvalidNextToken(String message, String path) {
        super(message, path, 400, "InvalidNextToken");
    }
}
