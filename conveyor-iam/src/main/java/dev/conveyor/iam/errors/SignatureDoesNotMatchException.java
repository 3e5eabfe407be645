package dev.conveyor.iam.errors;

/** The request's signature does not verify with the stored secret key. */
public final class SignatureDoesNotMatchException extends IamException {
    public SignatureDoesNotMatchException(String message) {
        super(message, null, 403);
    }

    public SignatureDoesNotMatchException(String message, String path) {
        super(message, path, 403);
    }

    @Override
    public String code() {
        return "SignatureDoesNotMatch";
    }
}
