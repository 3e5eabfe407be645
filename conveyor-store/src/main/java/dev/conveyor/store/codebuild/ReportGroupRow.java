package dev.conveyor.store.codebuild;

import java.time.Instant;

/** A report group: {@code type} is TEST or CODE_COVERAGE. */
public record ReportGroupRow(String arn, String name, String type, Instant createdAt, Instant updatedAt) {
}
