package dev.conveyor.iam.errors;

/** The named user, role, policy, version or key does not exist. */
public final class NoSuchEntityException extends IamException {
    public NoSuchEntityException(String message) {
        super(message, null, 404);
    }

    public NoSuchEntityException(String message, String path) {
        super(message, path, 404);
    }

    @Override
    public String code() {
        return "NoSuchEntity";
    }
}
