package dev.conveyor.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A filesystem of its own, small enough to fill: a size-limited tmpfs mounted on a fresh temporary directory (this
 * needs root, as the test environment and CI have). {@link #fill()} takes every free byte, {@link #free()} gives them
 * back, {@link #close()} unmounts it and removes the directory.
 */
public final class SmallFilesystem implements AutoCloseable {
    private static final String FILLER = "filler";

    private final Path mountPoint;

    private SmallFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code megabytes} MiB; fails the test with the reason when it cannot. */
    public static SmallFilesystem mount(int megabytes) {
        try {
            Path dir = Files.createTempDirectory("conveyor-small-fs-");
            String output = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
            if (output != null) {
                Files.deleteIfExists(dir);
                throw new IllegalStateException("cannot mount a tmpfs (this test needs root): " + output);
            }
            return new SmallFilesystem(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The mounted directory. */
    public Path dir() {
        return mountPoint;
    }

    /** Writes a file until the filesystem has no room left. */
    public void fill() {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(mountPoint.resolve(FILLER))) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // No space left on device: what was wanted. The stream's close may fail the same way.
        }
        try (OutputStream out = Files.newOutputStream(mountPoint.resolve(FILLER + "-tail"))) {
            // Whatever a 64 KiB write could not take, byte by byte.
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // full to the last page
        }
    }

    /** Removes what {@link #fill()} wrote. */
    public void free() {
        try {
            Files.deleteIfExists(mountPoint.resolve(FILLER));
            Files.deleteIfExists(mountPoint.resolve(FILLER + "-tail"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        String output = run("umount", mountPoint.toString());
        if (output != null) {
            throw new IllegalStateException("cannot unmount " + mountPoint + ": " + output);
        }
        try {
            Files.deleteIfExists(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not finish";
            }
            return process.exitValue() == 0 ? null : String.join(" ", command) + ": " + output.strip();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }
}
