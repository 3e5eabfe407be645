package dev.conveyor.artifacts.object;

import java.util.List;

/**
 * A page of ListObjectVersions: versions and delete markers by key, newest first per key, and common prefixes.
 * The next-markers are null on the last page.
 */
public record VersionListing(List<ObjectVersion> versions, List<String> commonPrefixes, boolean truncated,
                             String nextKeyMarker, String nextVersionIdMarker) {
}
