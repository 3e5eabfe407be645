package dev.conveyor.iam.errors;

/** A quota would be exceeded (access keys per user, attached policies, policy size). */
public final class LimitExceededException extends IamException {
    public LimitExceededException(String message) {
        super(message, null, 409);
    }

    public LimitExceededException(String message, String path) {
        super(message, path, 409);
    }

    @Override
    public String code() {
        return "LimitExceeded";
    }
}
