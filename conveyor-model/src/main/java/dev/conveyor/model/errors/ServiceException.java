package dev.conveyor.model.errors;

/**
 * An error the API returns to a client. The wire type ({@code __type}) is the simple class name, so each
 * subclass must be named exactly as the error shape in the AWS service model.
 *
 * <p>{@link #path()} names the offending input member when there is one (for example
 * {@code pipeline.stages[1].actions[0].inputArtifacts[0].name}); the message already contains it, the separate
 * field lets tests and tools read it without parsing prose.
 */
public class ServiceException extends RuntimeException {
    private final String path;
    private final int httpStatus;

    protected ServiceException(String message, String path, int httpStatus) {
        super(message, null, false, false);
        this.path = path;
        this.httpStatus = httpStatus;
    }

    protected ServiceException(String message, String path) {
        this(message, path, 400);
    }

    /** The error type as it appears in {@code __type} on the wire. */
    public String errorType() {
        return getClass().getSimpleName();
    }

    /** The offending input member, or {@code null} when the error is not about one member. */
    public String path() {
        return path;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
