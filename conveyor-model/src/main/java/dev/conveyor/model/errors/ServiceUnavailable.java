package dev.conveyor.model.errors;

/**
 * AWS's common error for a temporary failure of the server (HTTP 503), such as storage that is full or cannot be
 * reached: the request was not carried out, and the SDKs and the CLI retry it, as they retry every 503.
 */
public final class ServiceUnavailable extends ServiceException {
    public ServiceUnavailable(String message) {
        super(message, null, 503);
    }
}
