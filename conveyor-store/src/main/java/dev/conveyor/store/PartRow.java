package dev.conveyor.store;

import java.time.Instant;

/** An uploaded part of a multipart upload; {@code etag} is the quoted MD5 of its content. */
public record PartRow(int partNumber, SegmentRow segment, String etag, Instant created) {
}
