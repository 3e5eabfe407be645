/**
 * The audit trail's tables (migrated by this module with its own Flyway history) and the queries LookupEvents runs.
 * Only {@link dev.conveyor.audit.AuditTrail}'s writer inserts; nothing here sees unredacted parameters.
 */
package dev.conveyor.audit.store;
