package dev.conveyor.functions.runtime;

import java.util.concurrent.CompletableFuture;

/** One request handed to an instance over the Runtime API, and the result its runtime posts back. */
final class Invocation {
    private final String requestId;
    private final byte[] payload;
    private final long deadlineEpochMillis;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    /** What the runtime answered: the body it posted, and whether it posted it to {@code /error}. */
    record Outcome(byte[] body, boolean error) {
    }

    Invocation(String requestId, byte[] payload, long deadlineEpochMillis) {
        this.requestId = requestId;
        this.payload = payload;
        this.deadlineEpochMillis = deadlineEpochMillis;
    }

    String requestId() {
        return requestId;
    }

    byte[] payload() {
        return payload;
    }

    long deadlineEpochMillis() {
        return deadlineEpochMillis;
    }

    CompletableFuture<Outcome> outcome() {
        return outcome;
    }
}
