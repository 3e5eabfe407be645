package dev.conveyor.cli.client;

/**
 * A failure the user caused or can fix (unknown stage, nothing waiting for approval, server unreachable): printed
 * as its message on one line, never with a stack trace.
 */
public final class CommandFailure extends RuntimeException {
    public CommandFailure(String message) {
        super(message, null, false, false);
    }
}
