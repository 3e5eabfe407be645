package dev.conveyor.artifacts.object;

import java.io.IOException;
import java.io.InputStream;

/**
 * The content of an object version being read: the bytes {@code [start, start + length)} of its plaintext,
 * decrypted and (when read whole) verified as they stream. The caller closes it.
 *
 * @param ranged true when a range was asked for (the response is then 206 with Content-Range)
 */
public record ObjectContent(ObjectVersion version, long start, long length, boolean ranged, InputStream stream)
        implements AutoCloseable {
    @Override
    public void close() throws IOException {
        stream.close();
    }
}
