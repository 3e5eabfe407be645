package dev.conveyor.model.validation;

import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.errors.InvalidBlockerDeclarationException;
import dev.conveyor.model.errors.InvalidStageDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.errors.InvalidTagsException;
import dev.conveyor.model.errors.LimitExceededException;
import dev.conveyor.model.errors.SerializationException;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.errors.TooManyTagsException;
import dev.conveyor.model.errors.ValidationException;
import java.util.List;
import java.util.stream.Collectors;

/** Turns a list of violations into the one exception the API answers with, so the user sees every problem at once. */
public final class Violations {
    private Violations() {
    }

    /**
     * Throws when there is any violation. The error type is the first violation's; the message lists all of them
     * in the AWS style ("2 validation errors detected: …; …").
     */
    public static void throwIfAny(List<Violation> violations) {
        if (violations.isEmpty()) {
            return;
        }
        Violation first = violations.getFirst();
        String message = violations.size() == 1
                ? located(first)
                : violations.size() + " validation errors detected: "
                        + violations.stream().map(Violations::located).collect(Collectors.joining("; "));
        throw exceptionOf(first.type(), message, first.path());
    }

    /** The violation's message, naming its path when the message does not already. */
    static String located(Violation violation) {
        if (violation.path() == null || violation.message().contains("'" + violation.path() + "'")) {
            return violation.message();
        }
        return violation.message() + " (at " + violation.path() + ")";
    }

    static ServiceException exceptionOf(Class<? extends ServiceException> type, String message, String path) {
        if (type == ValidationException.class) return new ValidationException(message, path);
        if (type == InvalidStructureException.class) return new InvalidStructureException(message, path);
        if (type == InvalidStageDeclarationException.class) return new InvalidStageDeclarationException(message, path);
        if (type == InvalidActionDeclarationException.class) return new InvalidActionDeclarationException(message, path);
        if (type == InvalidBlockerDeclarationException.class) return new InvalidBlockerDeclarationException(message, path);
        if (type == LimitExceededException.class) return new LimitExceededException(message, path);
        if (type == InvalidTagsException.class) return new InvalidTagsException(message, path);
        if (type == TooManyTagsException.class) return new TooManyTagsException(message, path);
        if (type == SerializationException.class) return new SerializationException(message, path);
        throw new IllegalArgumentException("no factory for violation type " + type.getName());
    }
}
