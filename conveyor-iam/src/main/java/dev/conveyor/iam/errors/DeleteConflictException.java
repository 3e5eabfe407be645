package dev.conveyor.iam.errors;

/** The entity still holds what must be removed first (access keys, policies, attachments). */
public final class DeleteConflictException extends IamException {
    public DeleteConflictException(String message) {
        super(message, null, 409);
    }

    public DeleteConflictException(String message, String path) {
        super(message, path, 409);
    }

    @Override
    public String code() {
        return "DeleteConflict";
    }
}
