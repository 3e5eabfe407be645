/**
 * Persistence of what connects pipelines to their sources: CodeConnections hosts and connections, webhooks, the
 * last revision seen of each source action, and schedules. Repositories only read and write rows; deciding when
 * a pipeline starts belongs to the server's triggers.
 */
package dev.conveyor.store.source;
