package dev.conveyor.providers.source;

/** Revision summaries within the API's limit (2,048 characters). */
final class Summaries {
    private static final int MAX = 2048;

    private Summaries() {
    }

    static String clip(String summary) {
        return summary.length() <= MAX ? summary : summary.substring(0, MAX - 1) + "…";
    }
}
