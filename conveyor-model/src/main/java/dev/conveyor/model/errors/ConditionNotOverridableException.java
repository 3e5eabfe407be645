package dev.conveyor.model.errors;

/** The service model's {@code ConditionNotOverridableException}. */
public final class ConditionNotOverridableException extends ServiceException {
    public ConditionNotOverridableException(String message) {
        super(message, null);
    }

    public ConditionNotOverridableException(String message, String path) {
        super(message, path);
    }
}
