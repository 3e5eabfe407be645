package dev.conveyor.model.errors;

/** The service model's {@code ApprovalAlreadyCompletedException}. */
public final class ApprovalAlreadyCompletedException extends ServiceException {
    public ApprovalAlreadyCompletedException(String message) {
        super(message, null);
    }

    public ApprovalAlreadyCompletedException(String message, String path) {
        super(message, path);
    }
}
