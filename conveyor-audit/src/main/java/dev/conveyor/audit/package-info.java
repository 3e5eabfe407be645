/**
 * The audit trail: what a recorded call is ({@link dev.conveyor.audit.AuditEvent}), how secrets are removed from its
 * parameters before anything keeps them, and the writer that stores events off the request path. No HTTP and no
 * knowledge of particular APIs here: the server describes each call and hands it over.
 */
package dev.conveyor.audit;
