package dev.conveyor.iam.errors;

/** The Action parameter names no operation this endpoint serves. */
public final class InvalidActionException extends IamException {
    public InvalidActionException(String message) {
        super(message, null, 400);
    }

    public InvalidActionException(String message, String path) {
        super(message, path, 400);
    }

    @Override
    public String code() {
        return "InvalidAction";
    }
}
