package dev.conveyor.store.codebuild;

import java.time.Instant;

/**
 * One build's report for one report group: its status (SUCCEEDED when no test failed, FAILED otherwise, INCOMPLETE
 * when the files could not all be read) and test counts by status. {@code executionId} is the build's ARN.
 */
public record ReportRow(String arn, String reportGroupArn, String name, String type, String executionId, String status,
                        int total, int succeeded, int failed, int skipped, int errored, int unknown, long durationNanos,
                        boolean truncated, Instant createdAt) {
}
