/**
 * CodeStar Notifications' subset for pipelines: notification rules naming CodePipeline's event type ids, their SNS and
 * Slack targets, the REST-JSON endpoint, and the messages a matching event becomes.
 */
package dev.conveyor.events.notifications;
