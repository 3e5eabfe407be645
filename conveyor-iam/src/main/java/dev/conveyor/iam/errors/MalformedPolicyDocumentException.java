package dev.conveyor.iam.errors;

/** A policy document that is not JSON or not a valid policy. */
public final class MalformedPolicyDocumentException extends IamException {
    public MalformedPolicyDocumentException(String message) {
        super(message, null, 400);
    }

    public MalformedPolicyDocumentException(String message, String path) {
        super(message, path, 400);
    }

    @Override
    public String code() {
        return "MalformedPolicyDocument";
    }
}
