package dev.conveyor.model.validation;

import dev.conveyor.model.errors.ServiceException;

/**
 * One broken rule: the error type the API reports for it, the offending member's path
 * (for example {@code pipeline.stages[1].actions[0].name}) and a sentence that says what is wrong.
 */
public record Violation(Class<? extends ServiceException> type, String path, String message) {
    @Override
    public String toString() {
        return type.getSimpleName() + " at " + path + ": " + message;
    }
}
