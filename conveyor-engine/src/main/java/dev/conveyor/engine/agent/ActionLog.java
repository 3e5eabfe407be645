package dev.conveyor.engine.agent;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The log of one action execution, appended to a file as it runs (so it can be followed live) and capped in size
 * so a runaway command cannot fill the disk. Values registered as secrets are masked before anything is written.
 */
public final class ActionLog implements AutoCloseable {
    /** Logs larger than this are cut, with a note saying so. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    private final Path file;
    private final BufferedWriter writer;
    private final long maxBytes;
    private volatile List<String> secrets;
    private final java.util.function.Consumer<String> tee;
    private long written;
    private boolean truncated;

    public ActionLog(Path file, long maxBytes, List<String> secrets) {
        this(file, maxBytes, secrets, line -> { });
    }

    /** A log that also hands every written (masked) line to {@code tee}, e.g. to ship it to the server. */
    public ActionLog(Path file, long maxBytes, List<String> secrets, java.util.function.Consumer<String> tee) {
        this.tee = tee;
        this.file = file;
        this.maxBytes = maxBytes;
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 3).toList();
        try {
            Files.createDirectories(file.getParent());
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open action log " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    /** Masks these values too from now on (secrets learnt while the job runs, e.g. its role's temporary credentials). */
    public synchronized void mask(String... values) {
        List<String> more = new java.util.ArrayList<>(secrets);
        for (String value : values) {
            if (value != null && value.length() >= 3) {
                more.add(value);
            }
        }
        secrets = List.copyOf(more);
    }

    /** Appends one line (masked), flushing so followers see it at once. */
    public synchronized void line(String text) {
        if (truncated) {
            return;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "***");
        }
        try {
            long size = masked.getBytes(StandardCharsets.UTF_8).length + 1L;
            if (written + size > maxBytes) {
                String note = "[conveyor] log truncated at " + maxBytes + " bytes";
                writer.write(note + "\n");
                tee.accept(note);
                truncated = true;
            } else {
                writer.write(masked);
                writer.write('\n');
                tee.accept(masked);
                written += size;
            }
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
