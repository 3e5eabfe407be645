package dev.conveyor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where an HTTP/1.1 response ends: what the head says about the body (RFC 9112 §6.3) and, for a chunked body,
 * where its last chunk ends. Shared by the blocking {@link HttpConnection} and the event loops' {@link LoopConnection},
 * which both need only the status and the response's extent, never the body's meaning.
 *
 * @param status        the status code
 * @param bodyStart     offset of the first body byte in the buffer the head was parsed from
 * @param contentLength the declared body length, or -1 when there is none
 * @param chunked       true for {@code Transfer-Encoding: chunked}
 * @param keepAlive     true when the connection may carry another request
 */
record ResponseFraming(int status, int bodyStart, long contentLength, boolean chunked, boolean keepAlive) {

    /** The response has no body whatever its headers say (1xx, 204, 304). */
    boolean bodyless() {
        return status < 200 || status == 204 || status == 304;
    }

    /** The body runs until the server closes the connection (neither a length nor chunked framing). */
    boolean delimitedByClose() {
        return !bodyless() && !chunked && contentLength < 0;
    }

    /**
     * Parses the head in {@code buffer[start..end)}, or returns null when the blank line that ends it has not
     * arrived yet.
     */
    static ResponseFraming parseHead(byte[] buffer, int start, int end) throws IOException {
        int headerEnd = indexOfBlankLine(buffer, start, end);
        if (headerEnd < 0) {
            return null;
        }
        String head = new String(buffer, start, headerEnd - start, StandardCharsets.ISO_8859_1);
        int status = parseStatus(head);
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
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                keepAlive = !value.equalsIgnoreCase("close");
            }
        }
        boolean reusable = keepAlive != null ? keepAlive : !head.startsWith("HTTP/1.0");
        ResponseFraming framing = new ResponseFraming(status, headerEnd + 4, contentLength, chunked, reusable);
        // A body that ends with the connection means the connection cannot be reused, whatever it said.
        return framing.delimitedByClose() ? new ResponseFraming(status, headerEnd + 4, -1, false, false) : framing;
    }

    /**
     * Where a chunked body that starts at {@code from} ends (just past its last chunk and trailers), or -1 when
     * {@code buffer[from..end)} does not hold all of it yet.
     */
    static int chunkedBodyEnd(byte[] buffer, int from, int end) throws IOException {
        int position = from;
        while (true) {
            int lineEnd = indexOfLineEnd(buffer, position, end);
            if (lineEnd < 0) {
                return -1;
            }
            String sizeLine = new String(buffer, position, lineEnd - position, StandardCharsets.ISO_8859_1);
            int semicolon = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size line: " + sizeLine);
            }
            position = lineEnd + 2;
            if (size == 0) {
                // Trailer lines (unused by either server) up to an empty line.
                while (true) {
                    int trailerEnd = indexOfLineEnd(buffer, position, end);
                    if (trailerEnd < 0) {
                        return -1;
                    }
                    boolean empty = trailerEnd == position;
                    position = trailerEnd + 2;
                    if (empty) {
                        return position;
                    }
                }
            }
            if (end - position < size + 2) {
                return -1;
            }
            position += size + 2;
        }
    }

    private static int parseStatus(String head) throws IOException {
        // "HTTP/1.1 200 OK"
        int space = head.indexOf(' ');
        if (!head.startsWith("HTTP/") || space < 0 || head.length() < space + 4) {
            throw new IOException("not an HTTP response: " + head.lines().findFirst().orElse(""));
        }
        return Integer.parseInt(head.substring(space + 1, space + 4));
    }

    private static int indexOfBlankLine(byte[] buffer, int start, int end) {
        for (int i = start; i + 3 < end; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfLineEnd(byte[] buffer, int start, int end) {
        for (int i = start; i + 1 < end; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
