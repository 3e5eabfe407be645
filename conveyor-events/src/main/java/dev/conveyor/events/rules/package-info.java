/**
 * EventBridge's subset on the default event bus: rules with event patterns or schedule expressions, their targets,
 * PutEvents, and the JSON operations over them. Matching is {@link dev.conveyor.events.rules.EventPattern}'s job.
 */
package dev.conveyor.events.rules;
