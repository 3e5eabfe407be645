package dev.conveyor.artifacts.object;

import java.util.List;

/**
 * A page of ListObjectsV2: latest versions (no delete markers) and common prefixes, in key order.
 * {@code nextContinuationToken} is null on the last page.
 */
public record ObjectListing(List<ObjectVersion> objects, List<String> commonPrefixes, boolean truncated,
                            String nextContinuationToken) {
}
