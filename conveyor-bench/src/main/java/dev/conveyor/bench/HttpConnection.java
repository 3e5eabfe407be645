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
        int headerEnd;
        while ((headerEnd = indexOfBlankLine()) < 0) {
            fill();
        }
        String head = new String(buffer, start, headerEnd - start, StandardCharsets.ISO_8859_1);
        start = headerEnd + 4;
        int status = parseStatus(head);
        boolean http10 = head.startsWith("HTTP/1.0");
        long contentLength = -1;
        boolean chunked = false;
        Boolean keepAlive = null;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase().contains("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                keepAlive = !value.equalsIgnoreCase("close");
            }
        }
        if (status < 200 || status == 204 || status == 304) {
            // No body by definition (RFC 9112 §6.3), whatever the headers say.
            bodyBytes = buffer;
            bodyStart = start;
            bodyLength = 0;
        } else if (chunked) {
            readChunkedBody();
        } else if (contentLength >= 0) {
            readFixedBody(Math.toIntExact(contentLength));
        } else {
            readBodyUntilEof();
            keepAlive = false;
        }
        boolean reuse = keepAlive != null ? keepAlive : !http10;
        if (!reuse) {
            close();
        }
        return new Response(status, bodyLength);
    }

    private static int parseStatus(String head) throws IOException {
        // "HTTP/1.1 200 OK"
        int space = head.indexOf(' ');
        if (!head.startsWith("HTTP/") || space < 0 || head.length() < space + 4) {
            throw new IOException("not an HTTP response: " + head.lines().findFirst().orElse(""));
        }
        return Integer.parseInt(head.substring(space + 1, space + 4));
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

    private int indexOfBlankLine() {
        for (int i = start; i + 3 < end; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
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
