package dev.conveyor.store.codebuild;

import java.time.Instant;

/** A stored project: {@code definitionJson} is the API's Project shape; {@code buildCount} the last build number used. */
public record ProjectRow(String name, String arn, String definitionJson, long buildCount, Instant createdAt, Instant updatedAt) {
}
