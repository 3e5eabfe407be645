package dev.conveyor.server.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An operation's output that is already JSON text, written to the client as it is. For the hottest reads
 * (GetPipeline) whose output is mostly a stored declaration: building a node tree around the declaration and
 * serializing it again costed more than everything else the request does (a November 2026 profile under load).
 * It is a node, so it still fits {@link JsonOperation}, and serializes as its raw text wherever Jackson meets it.
 * It holds only the UTF-8 bytes, and is immutable: an operation may keep one and answer it to every request for
 * the same state (GetPipeline keeps one per stored pipeline version, issue 20), and nothing is copied to send it.
 */
public final class RenderedJson extends POJONode {
    private final byte[] utf8;

    private RenderedJson(byte[] utf8) {
        super(new Raw(utf8)); // what Jackson writes, as raw text, if it ever serializes this node
        this.utf8 = utf8;
    }

    /** {@code json} must be one complete, valid JSON object: it is sent without being parsed. */
    public static RenderedJson of(String json) {
        return new RenderedJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The length of the answer in bytes. */
    public int size() {
        return utf8.length;
    }

    /** The bytes to send; never modified (the same array may be answered to many requests). */
    byte[] utf8() {
        return utf8;
    }

    /** The text as a raw value for Jackson, decoded only if something serializes the node through Jackson. */
    private record Raw(byte[] utf8) implements JsonSerializable {
        @Override
        public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeRawValue(new String(utf8, StandardCharsets.UTF_8));
        }

        @Override
        public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer) throws IOException {
            serialize(gen, serializers);
        }
    }
}
