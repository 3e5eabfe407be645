package dev.conveyor.store.source;

import java.time.Instant;

/**
 * A webhook: its definition (the API's {@code WebhookDefinition} as JSON) and the random token in its URL.
 */
public record WebhookRow(String name, String arn, String urlToken, String pipelineName, String actionName, String definitionJson,
                         boolean registered, Instant lastTriggeredAt, String errorCode, String errorMessage, Instant createdAt) {
}
