package dev.conveyor.iam.errors;

/** A member failed the service model's constraints (missing, length, pattern, range, enum). */
public final class ValidationErrorException extends IamException {
    public ValidationErrorException(String message) {
        super(message, null, 400);
    }

    public ValidationErrorException(String message, String path) {
        super(message, path, 400);
    }

    @Override
    public String code() {
        return "ValidationError";
    }
}
