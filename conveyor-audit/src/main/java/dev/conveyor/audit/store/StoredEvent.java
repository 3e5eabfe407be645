package dev.conveyor.audit.store;

import dev.conveyor.audit.AuditResource;
import java.time.Instant;
import java.util.List;

/**
 * An audit event as kept: the columns LookupEvents filters on, the resources, and the whole CloudTrail record as JSON.
 * {@code seq} is 0 until stored.
 */
public record StoredEvent(long seq, String eventId, Instant eventTime, String eventSource, String eventName, String username,
                          String accessKeyId, boolean readOnly, String errorCode, String cloudTrailEvent,
                          List<AuditResource> resources) {
}
