/**
 * Serves the web console's bundle (built by conveyor-console into classpath resources under {@code console/}) at
 * {@code /console}. Static files only: the console talks to the server through its public APIs like any client.
 */
package dev.conveyor.server.console;
