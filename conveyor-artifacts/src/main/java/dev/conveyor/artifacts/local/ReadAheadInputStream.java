package dev.conveyor.artifacts.local;

import dev.conveyor.artifacts.ChunkedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a stream ahead on a thread of its own, a few buffers in front of the reader. For content that costs CPU to
 * produce (decryption: about 0.25 s per GiB) while the reader spends its own time sending what it got, so that a large
 * download takes the time of the slower of the two rather than of both. A platform thread, as for
 * {@link VerifiedBlobReader}: a virtual one would hold a carrier thread through every chunk it decrypts.
 */
final class ReadAheadInputStream extends ChunkedInputStream {
    private static final int BUFFERS = 4;

    private final InputStream source;
    /** Arrays wrapped as buffers, their limit what the thread read into them. */
    private final Handoff<ByteBuffer> handoff;
    private final Thread thread;
    private ByteBuffer current;

    ReadAheadInputStream(InputStream source, int bufferSize) {
        this.source = source;
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < BUFFERS; i++) {
            buffers.add(ByteBuffer.wrap(new byte[bufferSize]));
        }
        this.handoff = new Handoff<>(buffers, "content read ahead");
        thread = Thread.ofPlatform().daemon().name("read-ahead").start(this::run);
    }

    private void run() {
        try {
            while (true) {
                ByteBuffer buffer = handoff.emptyBuffer();
                int n;
                try {
                    n = source.readNBytes(buffer.array(), 0, buffer.capacity());
                } catch (IOException e) {
                    handoff.fail(e);
                    return;
                }
                if (n > 0) {
                    handoff.pass(buffer.clear().limit(n));
                }
                if (n < buffer.capacity()) {
                    handoff.end();
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed by the reader
        }
    }

    /** Serves the next buffer the thread filled, giving the one just read back to it. */
    @Override
    protected boolean fill() throws IOException {
        ByteBuffer done = current;
        current = null;
        current = handoff.next(done);
        if (current == null) {
            return false;
        }
        serve(current.array(), current.limit());
        return true;
    }

    /** Stops the thread, then closes the source. */
    @Override
    public void close() throws IOException {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
