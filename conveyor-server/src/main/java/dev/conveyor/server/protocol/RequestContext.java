package dev.conveyor.server.protocol;

import dev.conveyor.server.auth.Caller;
import java.time.Instant;

/** What an operation may know about the request beyond its input: its id, its caller, when it arrived. */
public record RequestContext(String requestId, Caller caller, Instant receivedAt) {
}
