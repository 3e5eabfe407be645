package dev.conveyor.model.errors;

/** The service model's {@code WebhookNotFoundException}. */
public final class WebhookNotFoundException extends ServiceException {
    public WebhookNotFoundException(String message) {
        super(message, null);
    }

    public WebhookNotFoundException(String message, String path) {
        super(message, path);
    }
}
