package dev.conveyor.store.codebuild;

/** A test case of a report; {@code status} is SUCCEEDED, FAILED, SKIPPED, ERROR or UNKNOWN, as CodeBuild reports it. */
public record TestCaseRow(String reportArn, int seq, String name, String prefix, String testSuiteName, String status,
                          long durationNanos, String message, String testRawDataPath) {
}
