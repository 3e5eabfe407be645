package dev.conveyor.model.errors;

/** The service model's {@code PipelineNameInUseException}. */
public final class PipelineNameInUseException extends ServiceException {
    public PipelineNameInUseException(String message) {
        super(message, null);
    }

    public PipelineNameInUseException(String message, String path) {
        super(message, path);
    }
}
