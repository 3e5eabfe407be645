package dev.conveyor.events.sns;

/** An SNS error: its code as SNS names it ({@code InvalidParameter}, {@code NotFound}…), HTTP status and sender/receiver. */
public final class SnsException extends RuntimeException {
    private final String code;
    private final int status;

    public SnsException(String code, int status, String message) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    public static SnsException invalidParameter(String message) {
        return new SnsException("InvalidParameter", 400, message);
    }

    public static SnsException notFound(String message) {
        return new SnsException("NotFound", 404, message);
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
