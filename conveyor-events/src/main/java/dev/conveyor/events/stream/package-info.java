/** Live streams: a pipeline's or an execution's events read from the outbox, resumable by seq (SSE's Last-Event-ID). */
package dev.conveyor.events.stream;
