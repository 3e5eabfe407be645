package dev.conveyor.artifacts.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gets a file's data on its way to the disk while the file is still being written. Linux only starts writing dirty
 * pages back once gigabytes of them pile up, so a blob's closing fsync used to find the whole blob still in memory
 * and wait for all of it (about 0.3 s per GiB here, with the request idle). Every {@link #STRIDE} bytes this asks a
 * background thread to force the channel, unless the previous force is still running, so that the disk works
 * while the upload goes on and the closing fsync has only the last stretch left. The writer never waits for these
 * forces, and durability does not rest on them: {@link BlobStore.Writer#finish} still forces the file itself.
 */
final class EarlyWriteback {
    static final long STRIDE = 32L * 1024 * 1024;
    private static final ExecutorService FORCES = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("blob-writeback-", 0).factory());

    private final FileChannel channel;
    private long unforced;
    private Future<?> inFlight;

    EarlyWriteback(FileChannel channel) {
        this.channel = channel;
    }

    /** Counts bytes just written; past a stride, starts a force in the background if none is running. */
    void written(long bytes) {
        unforced += bytes;
        if (unforced >= STRIDE && (inFlight == null || inFlight.isDone())) {
            unforced = 0;
            inFlight = FORCES.submit(() -> {
                try {
                    channel.force(false);
                } catch (IOException ignored) {
                    // only an early start: the closing force reports what matters
                }
                return null;
            });
        }
    }

    /** Waits for the force in flight, if any, so that the closing force does not race it for the same pages. */
    void await() {
        Future<?> f = inFlight;
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // cannot happen: the task catches its IOException
        }
    }
}
