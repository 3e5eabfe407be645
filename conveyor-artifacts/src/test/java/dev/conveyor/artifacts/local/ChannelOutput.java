package dev.conveyor.artifacts.local;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** An output that is also a channel, as the HTTP response body is; counts the bytes that came as arrays. */
final class ChannelOutput extends OutputStream implements WritableByteChannel {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    long bytesFromArrays;

    @Override
    public void write(int b) {
        out.write(b);
        bytesFromArrays++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        out.write(b, off, len);
        bytesFromArrays += len;
    }

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        byte[] copy = new byte[n];
        src.get(copy);
        out.write(copy, 0, n);
        return n;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
