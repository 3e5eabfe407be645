/**
 * Events and notifications assembled ({@link dev.conveyor.events.EventServices}): the outbox the engine writes, the
 * dispatcher, and the EventBridge, CodeStar Notifications and SNS subsets. No servlet code lives here: the server
 * adapts HTTP requests to {@link dev.conveyor.events.http.HttpCall}s.
 */
package dev.conveyor.events;
