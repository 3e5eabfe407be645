package dev.conveyor.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An input stream served one chunk at a time: each subclass produces its next chunk (encrypted, decrypted, read
 * ahead) in {@link #fill} and hands it over with {@link #serve}; reading across chunks is done here once for all.
 */
public abstract class ChunkedInputStream extends InputStream {
    private byte[] chunk = new byte[0];
    private int position;
    private int available;

    /** Makes the first {@code length} bytes of {@code data} the next ones to read. */
    protected final void serve(byte[] data, int length) {
        chunk = data;
        available = length;
        position = 0;
    }

    /** Produces the next chunk with {@link #serve}; false when there is none. */
    protected abstract boolean fill() throws IOException;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == available) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, available - position);
        System.arraycopy(chunk, position, b, off, n);
        position += n;
        return n;
    }

    /** Writes each chunk as it is produced, whole, rather than copying it through a buffer of the caller's. */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        long sent = 0;
        while (true) {
            while (position == available) {
                if (!fill()) {
                    return sent;
                }
            }
            out.write(chunk, position, available - position);
            sent += available - position;
            position = available;
        }
    }
}
