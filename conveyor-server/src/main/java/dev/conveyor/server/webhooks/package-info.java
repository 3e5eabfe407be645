/**
 * CodePipeline webhooks: the PutWebhook family of operations, and the endpoint at {@code /webhooks/<token>} that
 * takes GitHub-, GitLab- and Gitea-style deliveries, authenticates them (GITHUB_HMAC, IP, UNAUTHENTICATED),
 * applies the webhook's JSONPath filters and hands the event to the triggers.
 */
package dev.conveyor.server.webhooks;
