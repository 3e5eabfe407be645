package dev.conveyor.providers.codebuild.reports;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One report group's results in one build: counts by status over every test case found, and the test cases
 * themselves up to a limit ({@code truncated} when more were found than kept).
 *
 * @param group    the report group as the buildspec names it (a name, or an ARN)
 * @param format   the file format, e.g. JUNITXML
 * @param status   SUCCEEDED (no test failed), FAILED (some did) or INCOMPLETE (a file could not be read)
 * @param counts   test cases by status
 * @param problems files that could not be read, with the reason
 */
public record TestReport(String group, String format, String status, Map<String, Integer> counts, long durationNanos,
                         List<TestCaseResult> cases, boolean truncated, List<String> problems) {

    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int count(String status) {
        return counts.getOrDefault(status, 0);
    }

    public int failures() {
        return count(TestCaseResult.FAILED) + count(TestCaseResult.ERROR);
    }

    /** Gathers test cases into a report, keeping at most {@code maxCases} of them. */
    public static final class Builder {
        private final String group;
        private final String format;
        private final int maxCases;
        private final Map<String, Integer> counts = new LinkedHashMap<>();
        private final List<TestCaseResult> cases = new java.util.ArrayList<>();
        private final List<String> problems = new java.util.ArrayList<>();
        private long durationNanos;
        private boolean truncated;

        public Builder(String group, String format, int maxCases) {
            this.group = group;
            this.format = format;
            this.maxCases = maxCases;
        }

        public void add(TestCaseResult result) {
            counts.merge(result.status(), 1, Integer::sum);
            durationNanos += result.durationNanos();
            if (cases.size() < maxCases) {
                cases.add(result);
            } else {
                truncated = true;
            }
        }

        public void problem(String problem) {
            problems.add(problem);
        }

        public TestReport build() {
            boolean failed = counts.getOrDefault(TestCaseResult.FAILED, 0) + counts.getOrDefault(TestCaseResult.ERROR, 0) > 0;
            String status = failed ? "FAILED" : problems.isEmpty() ? "SUCCEEDED" : "INCOMPLETE";
            return new TestReport(group, format, status, Map.copyOf(counts), durationNanos, List.copyOf(cases), truncated,
                    List.copyOf(problems));
        }
    }
}
