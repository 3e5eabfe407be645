package dev.conveyor.server.s3;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * A response body that takes byte arrays and {@link ByteBuffer}s alike. Object content that is already in native
 * buffers (a large blob read ahead, see the artifact store's {@code VerifiedReadAhead}) recognises the channel and
 * hands its buffers over as they are; Jetty then writes them to the socket without copying them through the heap.
 * Closing it leaves the response open: the container completes it.
 */
final class ResponseBody extends OutputStream implements WritableByteChannel {
    private final ServletOutputStream out;

    ResponseBody(ServletOutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    /** Writes all of {@code src} (blocking), through Jetty's own buffer path when the stream is Jetty's. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (out instanceof HttpOutput jetty) {
            jetty.write(src);
        } else if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.limit());
        } else {
            byte[] copy = new byte[n];
            src.get(copy);
            out.write(copy);
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
