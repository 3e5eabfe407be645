package dev.conveyor.server.protocol;

import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.nio.charset.StandardCharsets;

/**
 * An operation's output that is already JSON text, written to the client as it is. For the hottest reads
 * (GetPipeline) whose output is mostly a stored declaration: building a node tree around the declaration and
 * serializing it again costed more than everything else the request does (a November 2026 profile under load).
 * It is a node, so it still fits {@link JsonOperation}, and serializes as its raw text wherever Jackson meets it.
 */
public final class RenderedJson extends POJONode {
    private final byte[] utf8;

    private RenderedJson(String json) {
        super(new RawValue(json)); // what Jackson writes, as raw text, if it ever serializes this node
        this.utf8 = json.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code json} must be one complete, valid JSON object: it is sent without being parsed. */
    public static RenderedJson of(String json) {
        return new RenderedJson(json);
    }

    byte[] utf8() {
        return utf8;
    }
}
