/**
 * Delivery after commit: the {@link dev.conveyor.events.delivery.Dispatcher} routes committed outbox rows into one
 * delivery per subscriber, then delivers each lane (a subscriber and an execution) in order, with retries and backoff,
 * dead-lettering what keeps failing. Senders do the talking (HTTP, SMTP, starting a pipeline); none of this runs on
 * the engine's threads.
 */
package dev.conveyor.events.delivery;
