/**
 * Persistence over JDBC: the database (embedded H2 or PostgreSQL, same schema, migrated by Flyway) and one
 * repository per aggregate. Repositories speak in records and JSON strings; they know nothing of HTTP.
 */
package dev.conveyor.store;
