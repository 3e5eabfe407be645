package dev.conveyor.model.errors;

/** The service model's {@code ConcurrentPipelineExecutionsLimitExceededException}. */
public final class ConcurrentPipelineExecutionsLimitExceededException extends ServiceException {
    public ConcurrentPipelineExecutionsLimitExceededException(String message) {
        super(message, null);
    }

    public ConcurrentPipelineExecutionsLimitExceededException(String message, String path) {
        super(message, path);
    }
}
