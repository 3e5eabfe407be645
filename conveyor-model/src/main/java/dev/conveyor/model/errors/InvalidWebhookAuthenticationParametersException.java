package dev.conveyor.model.errors;

/** The service model's {@code InvalidWebhookAuthenticationParametersException}. */
public final class InvalidWebhookAuthenticationParametersException extends ServiceException {
    public InvalidWebhookAuthenticationParametersException(String message) {
        super(message, null);
    }

    public InvalidWebhookAuthenticationParametersException(String message, String path) {
        super(message, path);
    }
}
