package dev.conveyor.iam.errors;

/** A parameter's value is not valid for this request (e.g. a malformed ARN). */
public final class InvalidInputException extends IamException {
    public InvalidInputException(String message) {
        super(message, null, 400);
    }

    public InvalidInputException(String message, String path) {
        super(message, path, 400);
    }

    @Override
    public String code() {
        return "InvalidInput";
    }
}
