/**
 * Built-in action providers, one class each in a subpackage per kind, listed in
 * {@link dev.conveyor.providers.BuiltInProviders}. They depend on the engine's provider interface, never the
 * other way round.
 */
package dev.conveyor.providers;
