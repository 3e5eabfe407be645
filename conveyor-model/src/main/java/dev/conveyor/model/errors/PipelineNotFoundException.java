package dev.conveyor.model.errors;

/** The service model's {@code PipelineNotFoundException}. */
public final class PipelineNotFoundException extends ServiceException {
    public PipelineNotFoundException(String message) {
        super(message, null);
    }

    public PipelineNotFoundException(String message, String path) {
        super(message, path);
    }
}
