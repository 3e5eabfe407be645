package dev.conveyor.server.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.conveyor.model.errors.SerializationException;
import dev.conveyor.server.http.RequestBodyTooSlowException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads an AWS JSON request body within bounds, so that no body, and no crowd of bodies, can exhaust the heap
 * (issue 13, items 11 and 14):
 * <ul>
 *   <li>a body may hold at most {@link #MAX_BODY_BYTES}; a larger {@code Content-Length} is refused before a byte
 *       of the body is read;</li>
 *   <li>Jackson's {@link StreamReadConstraints} bound nesting ({@link #MAX_NESTING_DEPTH}), strings, numbers, names
 *       and the number of tokens ({@link #MAX_TOKENS}): the tree a body becomes is bounded by its tokens, not by its
 *       bytes (8 MiB of {@code {}} would be 2.8 million ObjectNodes, some 300 MB);</li>
 *   <li>the bytes and the tree of the bodies being parsed at once share a budget of a quarter of the maximum heap:
 *       each request reserves an upper bound of what its body can cost ({@link #parseCost}) before reading it, waits
 *       up to {@link #QUEUE_WAIT_SECONDS} for that much to be free, and is answered ThrottlingException otherwise.</li>
 * </ul>
 * The largest legitimate requests (a pipeline of 50 stages of 50 actions) are a few hundred KiB and some 50,000
 * tokens, far inside these limits.
 */
final class JsonBodyReader {
    /** The largest body accepted (as before this class: 8 MiB). */
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    static final int MAX_NESTING_DEPTH = 64;
    static final long MAX_TOKENS = 200_000;
    /** Heap an ObjectNode, ArrayNode or value node with its map entry may take, per token, rounded up. */
    private static final long TREE_BYTES_PER_TOKEN = 160;
    /** Heap of tree per byte of JSON at worst ({@code [{},{},…]}: two tokens, ~110 bytes of nodes, per 3 bytes). */
    private static final long TREE_BYTES_PER_BYTE = 40;
    private static final long QUEUE_WAIT_SECONDS = 10;

    private final ObjectMapper mapper;
    /** Trailing tokens are refused: a body of two JSON values is malformed, not its first value. Made once, not per body. */
    private final ObjectReader trees;
    private final Semaphore budgetKib;
    private final int budgetTotalKib;

    /** With a parse budget of a quarter of this JVM's maximum heap. */
    JsonBodyReader() {
        this(Runtime.getRuntime().maxMemory() / 4);
    }

    JsonBodyReader(long budgetBytes) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxDocumentLength(MAX_BODY_BYTES)
                .maxTokenCount(MAX_TOKENS)
                .maxStringLength(MAX_BODY_BYTES)
                .maxNameLength(64 * 1024)
                .maxNumberLength(1000)
                .build();
        // Only trees are read with it, so none of ConveyorJson's (serialisation, binding) settings apply.
        // Buffers recycled across requests, not per (virtual) thread: see JsonBuffers.
        this.mapper = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints)
                .recyclerPool(JsonBuffers.POOL).build()).build();
        this.trees = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // At least one largest body must fit, or a small heap could never parse one.
        this.budgetTotalKib = (int) Math.min(Integer.MAX_VALUE, Math.max(budgetBytes, parseCost(MAX_BODY_BYTES)) / 1024);
        this.budgetKib = new Semaphore(budgetTotalKib, true);
    }

    /**
     * An upper bound of the heap a body of {@code bytes} takes while read and parsed: the bytes themselves, and a
     * tree bounded both by the bytes and by the token limit.
     */
    static long parseCost(long bytes) {
        return bytes + Math.min(bytes * TREE_BYTES_PER_BYTE, MAX_TOKENS * TREE_BYTES_PER_TOKEN);
    }

    /** The body as a JSON object ({} when empty). */
    JsonNode read(HttpServletRequest request) throws IOException {
        return read(request, body -> { });
    }

    /** The body as a JSON object, {@code beforeParse} told of its bytes first (authentication hashes them). */
    JsonNode read(HttpServletRequest request, java.util.function.Consumer<byte[]> beforeParse) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw new SerializationException("The request body of " + declared + " bytes is larger than the limit of "
                    + MAX_BODY_BYTES + " bytes");
        }
        // Without a Content-Length (chunked) the body may be as large as the limit.
        int cost = (int) Math.min(budgetTotalKib, Math.max(1, parseCost(declared >= 0 ? declared : MAX_BODY_BYTES) / 1024));
        try {
            if (!budgetKib.tryAcquire(cost, QUEUE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new ThrottlingException("The server is parsing too many large requests at once; retry later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ThrottlingException("The server is stopping");
        }
        try {
            byte[] bytes = readBytes(request, declared);
            beforeParse.accept(bytes);
            return parse(bytes);
        } finally {
            budgetKib.release(cost);
        }
    }

    private static byte[] readBytes(HttpServletRequest request, long declared) throws IOException {
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            // A declared length is read exactly: readNBytes(MAX) would allocate its 8 KiB-chunk buffers for a
            // 30-byte GetPipeline body on every request.
            body = declared >= 0 ? in.readNBytes((int) declared) : in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            if (RequestBodyTooSlowException.causedBy(e)) {
                throw new RequestTimeoutException(e.getMessage());
            }
            throw e;
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new SerializationException("The request body is larger than the limit of " + MAX_BODY_BYTES + " bytes");
        }
        return body;
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = trees.readTree(body);
            if (node == null || !node.isObject()) {
                throw new SerializationException("The request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            // A limit exceeded (StreamConstraintsException) may carry no location.
            JsonLocation at = e.getLocation();
            // Jackson names the StreamReadConstraints getter behind a limit: the client needs only the limit.
            String reason = String.valueOf(e.getOriginalMessage()).replaceAll(", from `[^`]*`", "");
            throw new SerializationException("The request body is not valid JSON: " + reason
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new SerializationException("The request body cannot be read as JSON");
        }
    }
}
