package dev.conveyor.model.errors;

/** The service model's {@code InvalidApprovalTokenException}. */
public final class InvalidApprovalTokenException extends ServiceException {
    public InvalidApprovalTokenException(String message) {
        super(message, null);
    }

    public InvalidApprovalTokenException(String message, String path) {
        super(message, path);
    }
}
