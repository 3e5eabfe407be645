/**
 * The source side of the server assembled in one place (hosted git, connections, webhooks, triggers, polling and
 * schedules), so that the server's wiring adds it with a few lines.
 */
package dev.conveyor.server.sources;
