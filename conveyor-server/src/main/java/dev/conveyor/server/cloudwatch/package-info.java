/**
 * The CloudWatch endpoints: requests signed for {@code monitoring} without X-Amz-Target (AWS Query, the SDK for Java
 * v2's protocol) and Alertmanager's webhook, adapted to conveyor-cloudwatch. JSON 1.0 requests (the CLI) go through the
 * server's AWS JSON protocol like every other JSON API.
 */
package dev.conveyor.server.cloudwatch;
