package dev.conveyor.model.errors;

/** The service model's {@code PipelineVersionNotFoundException}. */
public final class PipelineVersionNotFoundException extends ServiceException {
    public PipelineVersionNotFoundException(String message) {
        super(message, null);
    }

    public PipelineVersionNotFoundException(String message, String path) {
        super(message, path);
    }
}
