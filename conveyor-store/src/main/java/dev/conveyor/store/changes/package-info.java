/**
 * The change feed: how every server process sharing a database hears which rows changed, so its in-memory caches
 * stay true to the database (LISTEN/NOTIFY on PostgreSQL; nothing to hear on the embedded database, which one
 * process owns).
 */
package dev.conveyor.store.changes;
