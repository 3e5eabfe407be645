/**
 * JDBC helpers every repository shares: null-safe column conversions, running a query into records, and inserts
 * that report a taken key instead of failing.
 */
package dev.conveyor.store.jdbc;
