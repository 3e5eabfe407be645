package dev.conveyor.store;

import java.time.Instant;

/**
 * A bucket as stored. {@code versioning} is {@code null} for a bucket that never had versioning enabled, else
 * {@code Enabled} or {@code Suspended}, as S3 reports it.
 */
public record BucketRow(String name, String versioning, Instant created) {
    public static final String ENABLED = "Enabled";
    public static final String SUSPENDED = "Suspended";

    public boolean versioningEnabled() {
        return ENABLED.equals(versioning);
    }
}
