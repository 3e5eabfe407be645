package dev.conveyor.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One non-blocking HTTP/1.1 connection of an event-loop load driver ({@link LoadDriver}, {@link OpenLoopDriver}) with
 * at most one request outstanding: the request written as the socket takes it, the response read until it is whole.
 * Only the plumbing: which requests count, and from when their latency runs, is each driver's own.
 */
class LoopConnection {
    SocketChannel channel;
    SelectionKey key;
    private ByteBuffer out;
    private ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    /** The head of the response being read, once it has arrived. */
    ResponseFraming pending;

    /** Starts writing {@code request}. */
    void send(byte[] request) throws IOException {
        out = ByteBuffer.wrap(request);
        write();
    }

    /** Writes what the socket takes of the request; then waits to write the rest, or for the response. */
    void write() throws IOException {
        channel.write(out);
        key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    /**
     * Reads what has arrived: the response's body length once the response is whole (its head is then {@link
     * #pending}), else -1. A body delimited by the connection's close is whole when the server closes it; any other
     * close is an {@link EOFException}.
     */
    int read() throws IOException {
        int n = channel.read(in);
        if (n < 0) {
            if (pending != null && pending.delimitedByClose()) {
                return in.position() - pending.bodyStart();
            }
            throw new EOFException("connection closed by the server");
        }
        if (!in.hasRemaining()) {
            ByteBuffer larger = ByteBuffer.wrap(Arrays.copyOf(in.array(), in.capacity() * 2));
            larger.position(in.position());
            in = larger;
        }
        byte[] buffer = in.array();
        int end = in.position();
        if (pending == null) {
            pending = ResponseFraming.parseHead(buffer, 0, end);
            if (pending == null) {
                return -1;
            }
        }
        int bodyStart = pending.bodyStart();
        if (pending.bodyless()) {
            return 0;
        } else if (pending.chunked()) {
            int bodyEnd = ResponseFraming.chunkedBodyEnd(buffer, bodyStart, end);
            return bodyEnd < 0 ? -1 : bodyEnd - bodyStart;
        } else if (!pending.delimitedByClose() && end - bodyStart >= pending.contentLength()) {
            return (int) pending.contentLength();
        }
        return -1;
    }

    /** The whole response's head, forgotten with what was read: no second response is pipelined behind it. */
    ResponseFraming take() {
        ResponseFraming framing = pending;
        reset();
        return framing;
    }

    /** Forgets a response partly read (after an error, or for a new connection). */
    void reset() {
        pending = null;
        in.clear();
    }

    void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a broken connection has nothing left to report.
            }
            channel = null;
            key = null;
        }
    }
}
