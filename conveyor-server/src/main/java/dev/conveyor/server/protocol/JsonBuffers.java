package dev.conveyor.server.protocol;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson's read and write buffers shared by the requests of this server. Jackson's default pool keeps each thread's
 * buffers in a ThreadLocal, which recycled nothing while every request ran on a virtual thread of its own (each body
 * parsed and each answer written allocated its char and byte buffers, 4–16 KB, afresh: issue 20, allocation per
 * request) and would keep a set per request thread, up to a thousand, now that they are pooled. A bounded concurrent
 * pool lends them to whichever request needs them.
 */
final class JsonBuffers {
    /** At most 128 buffer sets (about 2 MB) are kept; more requests at once allocate as before. */
    static final RecyclerPool<BufferRecycler> POOL = JsonRecyclerPools.newBoundedPool(128);

    private JsonBuffers() {
    }

    /** {@code mapper} with the same configuration, recycling its buffers in {@link #POOL}. */
    static ObjectMapper recycled(ObjectMapper mapper) {
        ObjectMapper copy = mapper.copy(); // its own factory, a copy of the original's
        copy.getFactory().setRecyclerPool(POOL);
        return copy;
    }
}
