/**
 * The outbox: CodePipeline's events (EventBridge envelope, CodePipeline's detail types and detail fields) written by
 * {@link dev.conveyor.events.outbox.OutboxRecorder} inside the engine's own transactions, and SNS messages to publish.
 * Nothing here sends anything: the dispatcher reads committed rows.
 */
package dev.conveyor.events.outbox;
