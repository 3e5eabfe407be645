package dev.conveyor.iam.errors;

/** The access key id or session token that signed the request is not known. */
public final class InvalidClientTokenIdException extends IamException {
    public InvalidClientTokenIdException(String message) {
        super(message, null, 403);
    }

    public InvalidClientTokenIdException(String message, String path) {
        super(message, path, 403);
    }

    @Override
    public String code() {
        return "InvalidClientTokenId";
    }
}
