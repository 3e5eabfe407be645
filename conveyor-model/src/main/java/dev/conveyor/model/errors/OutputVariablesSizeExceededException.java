package dev.conveyor.model.errors;

/** The service model's {@code OutputVariablesSizeExceededException}. */
public final class OutputVariablesSizeExceededException extends ServiceException {
    public OutputVariablesSizeExceededException(String message) {
        super(message, null);
    }

    public OutputVariablesSizeExceededException(String message, String path) {
        super(message, path);
    }
}
