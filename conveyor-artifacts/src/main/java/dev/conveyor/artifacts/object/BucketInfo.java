package dev.conveyor.artifacts.object;

import java.time.Instant;

/** A bucket: its name, when it was created and its versioning state. */
public record BucketInfo(String name, Instant created, Versioning versioning) {
}
