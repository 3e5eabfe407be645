/**
 * Hooks through which a service module writes, inside the transaction of one of its state changes, what that change
 * must tell the world (the events of an outbox), without knowing who writes them or how they are delivered. The
 * module that delivers events implements them; nothing here reads or writes a table.
 */
package dev.conveyor.store.outbox;
