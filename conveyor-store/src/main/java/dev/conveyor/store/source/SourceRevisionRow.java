package dev.conveyor.store.source;

import java.time.Instant;

/**
 * The last revision of a source action that was seen (by the poller, kind POLL) or put (PutActionRevision, kind
 * PUT). {@code sourceKey} names what the revision is of (e.g. a git URL and branch), so a changed source
 * configuration is recognised as a new baseline rather than as a change.
 */
public record SourceRevisionRow(String pipelineName, String actionName, String kind, String sourceKey, String revision,
                                String changeId, Instant revisionAt, Instant seenAt) {
    public static final String POLL = "POLL";
    public static final String PUT = "PUT";
}
