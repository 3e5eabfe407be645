package dev.conveyor.server.protocol;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids in the form AWS uses ({@code x-amzn-RequestId}: a random UUID). They only need to be unique enough
 * to find a request in the logs, not unguessable, so they come from {@link ThreadLocalRandom} rather than
 * {@link UUID#randomUUID()}, whose SecureRandom reads the kernel's generator under a lock shared by every request
 * (seen in a GetPipeline profile under load, November 2026).
 */
public final class RequestIds {
    private RequestIds() {
    }

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }
}
