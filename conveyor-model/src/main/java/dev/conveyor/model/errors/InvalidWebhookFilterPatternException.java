package dev.conveyor.model.errors;

/** The service model's {@code InvalidWebhookFilterPatternException}. */
public final class InvalidWebhookFilterPatternException extends ServiceException {
    public InvalidWebhookFilterPatternException(String message) {
        super(message, null);
    }

    public InvalidWebhookFilterPatternException(String message, String path) {
        super(message, path);
    }
}
