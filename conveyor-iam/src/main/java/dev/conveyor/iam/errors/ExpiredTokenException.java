package dev.conveyor.iam.errors;

/** The temporary credentials that signed the request have expired. */
public final class ExpiredTokenException extends IamException {
    public ExpiredTokenException(String message) {
        super(message, null, 400);
    }

    public ExpiredTokenException(String message, String path) {
        super(message, path, 400);
    }

    @Override
    public String code() {
        return "ExpiredToken";
    }
}
