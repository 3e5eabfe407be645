package dev.conveyor.model.errors;

/** The service model's {@code PipelineExecutionNotFoundException}. */
public final class PipelineExecutionNotFoundException extends ServiceException {
    public PipelineExecutionNotFoundException(String message) {
        super(message, null);
    }

    public PipelineExecutionNotFoundException(String message, String path) {
        super(message, path);
    }
}
