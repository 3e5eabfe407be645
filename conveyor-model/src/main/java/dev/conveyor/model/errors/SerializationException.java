package dev.conveyor.model.errors;

/** The request body is not well-formed JSON, or a member has the wrong JSON type. Sent by every AWS JSON service. */
public final class SerializationException extends ServiceException {
    public SerializationException(String message) {
        super(message, null);
    }

    public SerializationException(String message, String path) {
        super(message, path);
    }
}
