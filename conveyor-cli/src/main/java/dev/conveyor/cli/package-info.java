/**
 * The {@code conveyor} command: its entry point and the {@code server} command, which assembles and runs a server.
 * The client commands (in {@code client}) reach a server only over HTTP, never through its classes.
 */
package dev.conveyor.cli;
