package dev.conveyor.cloudwatch.errors;

/** CloudWatch's {@code ResourceNotFound} (Query code {@code ResourceNotFound}, HTTP 404). */
public final class ResourceNotFound extends CloudWatchException {
    public ResourceNotFound(String message, String path) {
        super(message, path, 404, "ResourceNotFound");
    }
}
