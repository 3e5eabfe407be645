package dev.conveyor.iam.errors;

/** A request the caller's policies do not allow (JSON: AccessDeniedException, Query and S3: AccessDenied). */
public final class AccessDeniedException extends IamException {
    public AccessDeniedException(String message) {
        super(message, null, 403);
    }

    public AccessDeniedException(String message, String path) {
        super(message, path, 403);
    }

    @Override
    public String code() {
        return "AccessDenied";
    }
}
