/**
 * The CloudTrail API subset over the audit trail: LookupEvents with its attribute filters, time range and
 * pagination, and CloudTrail's error types. Operations take and return JSON; the server's AWS JSON protocol serves them.
 */
package dev.conveyor.audit.api;
