package dev.conveyor.server.http;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;

/**
 * Fails a request body that arrives slower than a minimum rate (issue 13, item 20). The connector's idle timeout
 * ends a body that stops; this ends one that trickles (a byte every few seconds keeps a connection, a thread and
 * a buffer forever otherwise). The clock starts at the first read, not at the request, so time the server itself
 * took before reading (a queue, a lookup) is never held against the client; the first {@code graceMillis} are
 * free, then the body must have averaged at least {@code minBytesPerSecond}.
 *
 * <p>Jetty's {@code HttpConfiguration.setMinRequestDataRate} is not enforced by Jetty 12, and its
 * {@code MinimumDataRateHandler} measures the bytes of all requests together; hence this small wrapper.
 */
public final class MinimumRequestDataRate extends Handler.Wrapper {
    private final long minBytesPerSecond;
    private final long graceMillis;

    public MinimumRequestDataRate(Handler handler, long minBytesPerSecond, long graceMillis) {
        super(handler);
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceMillis = graceMillis;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(new RateCheckedRequest(request), response, callback);
    }

    private final class RateCheckedRequest extends Request.Wrapper {
        private long firstReadNanos;
        private long bytes;

        RateCheckedRequest(Request wrapped) {
            super(wrapped);
        }

        @Override
        public Content.Chunk read() {
            if (firstReadNanos == 0) {
                firstReadNanos = NanoTime.now();
            }
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                if (chunk.isLast() || Content.Chunk.isFailure(chunk)) {
                    return chunk;
                }
                bytes += chunk.remaining();
            }
            long elapsed = NanoTime.millisSince(firstReadNanos);
            if (elapsed > graceMillis && bytes * 1000 < minBytesPerSecond * elapsed) {
                if (chunk != null) {
                    chunk.release();
                }
                return Content.Chunk.from(new RequestBodyTooSlowException("The request body arrived slower than "
                        + minBytesPerSecond + " bytes per second"));
            }
            return chunk;
        }
    }
}
