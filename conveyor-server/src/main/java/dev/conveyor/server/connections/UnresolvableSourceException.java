package dev.conveyor.server.connections;

/** A source's connection or repository cannot be turned into a git URL; the message says why, for the action's failure. */
public final class UnresolvableSourceException extends RuntimeException {
    public UnresolvableSourceException(String message) {
        super(message, null, false, false);
    }
}
