/**
 * The functions' tables over JDBC (H2 and PostgreSQL), migrated by this module with its own Flyway history. Rows only:
 * validation and code handling live above, in {@code dev.conveyor.functions}.
 */
package dev.conveyor.functions.store;
