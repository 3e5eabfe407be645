package dev.conveyor.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 client connection over a plain socket, for a single thread: sends a request that is already
 * serialized to bytes and reads the whole response.
 *
 * <p>Why not {@code java.net.http.HttpClient}: the driver shares a 2-core machine with the server it measures, so
 * every microsecond the client spends is taken from the server. Writing pre-built bytes and scanning the response
 * for its length costs a few microseconds a request and allocates almost nothing, so the figures describe the
 * server. The connection is kept alive between requests and reopened (counted in {@link #connectionsOpened()})
 * only when the server answers {@code Connection: close} (moto does after every response) or on an error.
 */
final class HttpConnection implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    /** Bounds a stuck server: no single response may take longer than this. */
    private static final int READ_TIMEOUT_MS = 60_000;

    private final InetSocketAddress address;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    /** Bytes received and not consumed yet are {@code buffer[start..end)}. */
    private byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;
    /** The body of the last response is {@code bodyBytes[bodyStart..bodyStart+bodyLength)}. */
    private byte[] bodyBytes;
    private int bodyStart;
    private int bodyLength;
    private long connectionsOpened;

    HttpConnection(InetSocketAddress address) {
        this.address = address;
    }

    /** A response: its status and how many body bytes it had; the body itself is {@link #lastBody()}. */
    record Response(int status, int bodyLength) {
    }

    /** Sends one request (complete, with headers and body) and reads its response. */
    Response send(byte[] request) throws IOException {
        if (socket == null) {
            open();
        }
        try {
            out.write(request);
            out.flush();
            return readResponse();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The body of the last response, decoded as UTF-8 (for checks, not for the hot path). */
    String lastBody() {
        return new String(bodyBytes, bodyStart, bodyLength, StandardCharsets.UTF_8);
    }

    /** How many TCP connections this client has opened so far. */
    long connectionsOpened() {
        return connectionsOpened;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a broken socket has nothing left to report.
            }
        }
        socket = null;
        in = null;
        out = null;
        start = 0;
        end = 0;
    }

    private void open() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(READ_TIMEOUT_MS);
        s.connect(address, CONNECT_TIMEOUT_MS);
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
        start = 0;
        end = 0;
        connectionsOpened++;
    }

    private Response readResponse() throws IOException {
        ResponseFraming framing;
        while ((framing = ResponseFraming.parseHead(buffer, start, end)) == null) {
            fill();
        }
        start = framing.bodyStart();
        if (framing.bodyless()) {
            bodyBytes = buffer;
            bodyStart = start;
            bodyLength = 0;
        } else if (framing.chunked()) {
            readChunkedBody();
        } else if (framing.delimitedByClose()) {
            readBodyUntilEof();
        } else {
            readFixedBody(Math.toIntExact(framing.contentLength()));
        }
        if (!framing.keepAlive()) {
            close();
        }
        return new Response(framing.status(), bodyLength);
    }

    private void readFixedBody(int length) throws IOException {
        ensureAvailable(length);
        bodyBytes = buffer;
        bodyStart = start;
        bodyLength = length;
        start += length;
    }

    private void readBodyUntilEof() throws IOException {
        try {
            while (true) {
                fill();
            }
        } catch (EOFException endOfBody) {
            bodyBytes = buffer;
            bodyStart = start;
            bodyLength = end - start;
            start = end;
        }
    }

    private void readChunkedBody() throws IOException {
        byte[] body = new byte[1024];
        int length = 0;
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // Trailers are not used by either server; skip them.
                }
                break;
            }
            ensureAvailable(size + 2);
            if (length + size > body.length) {
                body = Arrays.copyOf(body, Math.max(body.length * 2, length + size));
            }
            System.arraycopy(buffer, start, body, length, size);
            length += size;
            start += size + 2;
        }
        bodyBytes = body;
        bodyStart = 0;
        bodyLength = length;
    }

    private String readLine() throws IOException {
        while (true) {
            for (int i = start; i + 1 < end; i++) {
                if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                    String line = new String(buffer, start, i - start, StandardCharsets.ISO_8859_1);
                    start = i + 2;
                    return line;
                }
            }
            fill();
        }
    }

    /** Reads until {@code count} unconsumed bytes are buffered. */
    private void ensureAvailable(int count) throws IOException {
        if (buffer.length - start < count) {
            makeRoom(count);
        }
        while (end - start < count) {
            fill();
        }
    }

    /** Reads at least one more byte into the buffer, compacting or growing it as needed. */
    private void fill() throws IOException {
        if (end == buffer.length) {
            makeRoom(end - start + 1);
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            throw new EOFException("connection closed by the server");
        }
        end += n;
    }

    /** Moves the unconsumed bytes to the front and grows the buffer so that {@code needed} of them fit. */
    private void makeRoom(int needed) {
        int pending = end - start;
        byte[] target = buffer.length >= needed ? buffer : new byte[Math.max(buffer.length * 2, needed)];
        System.arraycopy(buffer, start, target, 0, pending);
        buffer = target;
        start = 0;
        end = pending;
    }
}
