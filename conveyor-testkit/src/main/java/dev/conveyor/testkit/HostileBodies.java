package dev.conveyor.testkit;

import java.nio.charset.StandardCharsets;

/** Request bodies that are valid JSON yet costly to parse, for tests of the server's input limits. */
public final class HostileBodies {
    private HostileBodies() {
    }

    /**
     * {@code {"a":[{},{},…]}} padded with spaces to exactly {@code size} bytes: within a size limit, but about a token
     * per byte, far beyond a token limit.
     */
    public static byte[] tinyObjects(int size) {
        byte[] body = new byte[size];
        byte[] head = "{\"a\":[".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, body, 0, head.length);
        int i = head.length;
        while (i + 3 <= size - 2) {
            body[i++] = '{';
            body[i++] = '}';
            body[i++] = ',';
        }
        body[i - 1] = ']';
        body[i++] = '}';
        while (i < size) {
            body[i++] = ' ';
        }
        return body;
    }
}
