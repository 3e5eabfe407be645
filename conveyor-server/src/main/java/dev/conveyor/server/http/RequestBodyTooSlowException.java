package dev.conveyor.server.http;

import java.io.IOException;

/**
 * A request body arrived slower than {@link MinimumRequestDataRate} allows; a reader of the body sees it (or an
 * exception caused by it) and answers the protocol's timeout error.
 */
public final class RequestBodyTooSlowException extends IOException {
    public RequestBodyTooSlowException(String message) {
        super(message);
    }

    /** Whether {@code e} or one of its causes is a body that came too slowly. */
    public static boolean causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RequestBodyTooSlowException) {
                return true;
            }
        }
        return false;
    }
}
