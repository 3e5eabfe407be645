/**
 * What several server replicas on one PostgreSQL database share beyond the store's tables: which replica runs each
 * piece of singleton work (advisory locks), and the keyring. Nothing here serves HTTP or knows the APIs.
 */
package dev.conveyor.cluster;
