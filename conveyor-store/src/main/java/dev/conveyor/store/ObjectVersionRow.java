package dev.conveyor.store;

import java.time.Instant;
import java.util.List;

/**
 * One version of an object (or a delete marker) as stored. {@code versionId} is {@code "null"} for the version
 * written while versioning was off or suspended. {@code contentSha256} is the plaintext's digest when known
 * (simple uploads). {@code wrappedKey} is set when the content is encrypted. {@code segments} is empty for a
 * delete marker and may be left empty by listings, which do not read it. {@code systemMetadataJson} is a JSON object of
 * the S3 system metadata headers it was written with (Cache-Control, Content-Disposition…), or null when none.
 */
public record ObjectVersionRow(
        long id,
        String bucket,
        String key,
        String versionId,
        boolean latest,
        boolean deleteMarker,
        long size,
        String etag,
        String contentSha256,
        String contentType,
        String userMetadataJson,
        WrappedKey wrappedKey,
        Integer partsCount,
        Instant created,
        List<SegmentRow> segments,
        String systemMetadataJson) {
    public static final String NULL_VERSION = "null";

    /** A row without system metadata. */
    public ObjectVersionRow(long id, String bucket, String key, String versionId, boolean latest, boolean deleteMarker, long size,
                            String etag, String contentSha256, String contentType, String userMetadataJson, WrappedKey wrappedKey,
                            Integer partsCount, Instant created, List<SegmentRow> segments) {
        this(id, bucket, key, versionId, latest, deleteMarker, size, etag, contentSha256, contentType, userMetadataJson, wrappedKey,
                partsCount, created, segments, null);
    }

    public ObjectVersionRow withSegments(List<SegmentRow> newSegments) {
        return new ObjectVersionRow(id, bucket, key, versionId, latest, deleteMarker, size, etag, contentSha256,
                contentType, userMetadataJson, wrappedKey, partsCount, created, List.copyOf(newSegments), systemMetadataJson);
    }
}
