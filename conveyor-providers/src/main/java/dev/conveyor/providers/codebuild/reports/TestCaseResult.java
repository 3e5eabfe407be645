package dev.conveyor.providers.codebuild.reports;

/**
 * One test case as CodeBuild reports it.
 *
 * @param name          the test's name
 * @param prefix        what qualifies it (class name, feature), or null
 * @param suiteName     the suite it ran in, or null
 * @param status        SUCCEEDED, FAILED, ERROR, SKIPPED or UNKNOWN
 * @param durationNanos how long it ran
 * @param message       why it failed (the failure's message and the start of its details), or null
 * @param rawDataPath   the report file it came from, relative to the source directory
 */
public record TestCaseResult(String name, String prefix, String suiteName, String status, long durationNanos, String message,
                             String rawDataPath) {
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String ERROR = "ERROR";
    public static final String SKIPPED = "SKIPPED";
    public static final String UNKNOWN = "UNKNOWN";

    /** Messages longer than this are cut, as CodeBuild cuts them. */
    static final int MAX_MESSAGE = 4000;

    public boolean failed() {
        return FAILED.equals(status) || ERROR.equals(status);
    }

    /** {@code name} qualified by its prefix, e.g. {@code CalculatorTest.divides}. */
    public String qualifiedName() {
        return prefix == null || prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** A failure's message and details as one text, without saying the message twice; null when both are empty. */
    static String message(String message, String details) {
        String m = message == null ? "" : message.strip();
        String d = details == null ? "" : details.strip();
        String text = d.isEmpty() ? m : m.isEmpty() || d.contains(m) ? d : m + "\n" + d;
        if (text.isEmpty()) {
            return null;
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text;
    }
}
