package dev.conveyor.iam.errors;

/** A user, role or policy of that name exists already. */
public final class EntityAlreadyExistsException extends IamException {
    public EntityAlreadyExistsException(String message) {
        super(message, null, 409);
    }

    public EntityAlreadyExistsException(String message, String path) {
        super(message, path, 409);
    }

    @Override
    public String code() {
        return "EntityAlreadyExists";
    }
}
