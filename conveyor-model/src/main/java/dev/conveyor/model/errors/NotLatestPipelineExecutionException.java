package dev.conveyor.model.errors;

/** The service model's {@code NotLatestPipelineExecutionException}. */
public final class NotLatestPipelineExecutionException extends ServiceException {
    public NotLatestPipelineExecutionException(String message) {
        super(message, null);
    }

    public NotLatestPipelineExecutionException(String message, String path) {
        super(message, path);
    }
}
