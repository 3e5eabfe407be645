/**
 * Real components for tests to talk to (PostgreSQL, temporary directories). Only test scopes depend on this
 * module; nothing here is part of the product.
 */
package dev.conveyor.testkit;
