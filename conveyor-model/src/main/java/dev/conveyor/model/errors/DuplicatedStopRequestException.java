package dev.conveyor.model.errors;

/** The service model's {@code DuplicatedStopRequestException}. */
public final class DuplicatedStopRequestException extends ServiceException {
    public DuplicatedStopRequestException(String message) {
        super(message, null);
    }

    public DuplicatedStopRequestException(String message, String path) {
        super(message, path);
    }
}
