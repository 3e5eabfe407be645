package dev.conveyor.artifacts.object;

/**
 * What DeleteObject did: {@code versionId} of the version removed or of the delete marker created (null when
 * nothing was versioned), and whether that is a delete marker.
 */
public record DeleteResult(String versionId, boolean deleteMarker) {
}
