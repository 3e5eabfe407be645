package dev.conveyor.model.errors;

/** The service model's {@code PipelineExecutionNotStoppableException}. */
public final class PipelineExecutionNotStoppableException extends ServiceException {
    public PipelineExecutionNotStoppableException(String message) {
        super(message, null);
    }

    public PipelineExecutionNotStoppableException(String message, String path) {
        super(message, path);
    }
}
