package dev.conveyor.model.errors;

/** The service model's {@code PipelineExecutionOutdatedException}. */
public final class PipelineExecutionOutdatedException extends ServiceException {
    public PipelineExecutionOutdatedException(String message) {
        super(message, null);
    }

    public PipelineExecutionOutdatedException(String message, String path) {
        super(message, path);
    }
}
