package dev.conveyor.artifacts.local;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opening large blobs for direct I/O ({@code O_DIRECT}), which bypasses the page cache: what the kernel requires of
 * it (buffers, offsets and lengths aligned to the filesystem's block) and the fallback where a filesystem refuses it.
 *
 * <p>Why large blobs bypass the cache both ways, measured on this project's 2-core machines (virtual machines whose
 * memory the host hands over as it is first touched) with 1 GiB blobs: writing a GiB of new data through the cache
 * cost 1.5 to 1.9 s of CPU in the kernel (the same as {@code cp} to a new file there; 0.2 s when the kernel reuses
 * pages it just freed), where direct writes cost 0.1 s and the disk takes them at about 1 GB/s; reading a blob that
 * is not cached cost 0.4 to 0.7 s of CPU to bring it in, where direct reads cost 0.07 s and the disk serves them at
 * about 3 GB/s in 4 MiB reads. Written directly, a blob is not cached, so its reads are direct too. A blob is
 * written once and read whole a few times, so the cache saves little for it; small blobs, read often, keep using it.
 */
final class DirectIo {
    private DirectIo() {
    }

    /** An open channel and the alignment its reads and writes must keep. */
    record Opened(FileChannel channel, int alignment) {
    }

    /**
     * Opens {@code file} for direct I/O with {@code option}, to be used with {@code buffers}, or returns null where
     * direct I/O is not available (tmpfs, some network filesystems, other platforms) or the filesystem's block does
     * not divide the buffers' size and alignment: not an error, the caller goes through the page cache instead.
     */
    static Opened open(Path file, NativeBuffers buffers, OpenOption option) {
        try {
            // The filesystem's block size: a multiple of the device's logical block, which direct I/O must align to.
            int alignment = Math.toIntExact(file.getFileSystem().provider().getFileStore(file).getBlockSize());
            if (alignment <= 0 || buffers.size() % alignment != 0 || buffers.alignment() % alignment != 0) {
                return null;
            }
            return new Opened(FileChannel.open(file, option, ExtendedOpenOption.DIRECT), alignment);
        } catch (IOException | UnsupportedOperationException | ArithmeticException e) {
            return null;
        }
    }
}
