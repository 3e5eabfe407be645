package dev.conveyor.artifacts;

import java.io.IOException;

/**
 * A zip (or a directory being zipped) that would write or point outside its root: an entry named {@code ../x} or
 * {@code /etc/x}, a symbolic link whose target escapes, or one exceeding the configured limits.
 */
public final class UnsafeArchiveException extends IOException {
    private final String entry;

    public UnsafeArchiveException(String entry, String message) {
        super("refused archive entry '" + entry + "': " + message);
        this.entry = entry;
    }

    /** The entry (or relative path) refused. */
    public String entry() {
        return entry;
    }
}
